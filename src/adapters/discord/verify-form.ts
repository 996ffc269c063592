import {
  LabelBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ModalSubmitInteraction,
} from "discord.js";
import type { CommunitySettings } from "../../core/settings/community.js";
import type { Language } from "../../core/i18n/translator.js";
import { stepsFor } from "../../core/verification/methods/index.js";
import type { FormAnswer } from "./interaction-scope.js";
import { discordTexts } from "./texts.js";

/** The core's button that starts verification (`verify:start:<community>`), and the form's own id. */
export const VERIFY_START = "verify:start:";
export const VERIFY_FORM = "verify-form:";

type TextStep = "name" | "id" | "phone";
const TEXT_STEPS: readonly TextStep[] = ["name", "id", "phone"];
const FIELD: Record<TextStep, { key: "fieldName" | "fieldId" | "fieldPhone"; max: number }> = {
  name: { key: "fieldName", max: 100 },
  id: { key: "fieldId", max: 40 },
  phone: { key: "fieldPhone", max: 30 },
};

/** The typed steps of a community's verification, in the order the core asks them. */
export function formSteps(community: CommunitySettings): TextStep[] {
  return stepsFor(community.policy.verification).filter((s): s is TextStep =>
    (TEXT_STEPS as readonly string[]).includes(s),
  );
}

/**
 * The Verify button's form: one text field per typed step (legal name, ID number, phone). The rules step
 * is not a field: its Accept / Decline buttons come in the ephemeral reply after the form.
 */
export function verifyForm(community: CommunitySettings, language: Language): ModalBuilder | undefined {
  const steps = formSteps(community);
  if (steps.length === 0) return undefined;
  const t = discordTexts(language);
  return new ModalBuilder()
    .setCustomId(`${VERIFY_FORM}${community.id}`)
    .setTitle(t("formTitle", { community: community.name }).slice(0, 45))
    .addLabelComponents(
      ...steps.map((step) =>
        new LabelBuilder()
          .setLabel(t(FIELD[step].key).slice(0, 45))
          .setTextInputComponent(
            new TextInputBuilder()
              .setCustomId(step)
              .setStyle(TextInputStyle.Short)
              .setRequired(true)
              .setMaxLength(FIELD[step].max),
          ),
      ),
    );
}

/** The form's answers in the core's order. */
export function formAnswers(community: CommunitySettings, i: ModalSubmitInteraction): FormAnswer[] {
  return formSteps(community).map((step) => ({ step, text: i.fields.getTextInputValue(step) }));
}
