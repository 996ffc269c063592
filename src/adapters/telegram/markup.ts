import type { InlineKeyboardMarkup } from "grammy/types";
import type { Button } from "../../core/decisions.js";

/** The core's buttons as an inline keyboard (`callback_data` is the button's data, at most 64 bytes). */
export function inlineKeyboard(buttons: Button[][]): InlineKeyboardMarkup {
  return {
    inline_keyboard: buttons.map((row) => row.map((b) => ({ text: b.label, callback_data: b.data }))),
  };
}
