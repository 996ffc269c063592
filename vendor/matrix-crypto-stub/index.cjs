"use strict";
/* global module */
// matrix-bot-sdk requires this module at load time but touches it only when end-to-end encryption is
// enabled, which chatwarden never does. Any use throws a plain message instead of a missing native binary.
const message =
  "End-to-end encryption is not supported by chatwarden: the Matrix crypto module is not installed (docs/matrix.md)";
class Unsupported {
  constructor() {
    throw new Error(message);
  }
  static [Symbol.hasInstance]() {
    return false;
  }
}
const names = [
  "Attachment",
  "DeviceId",
  "DeviceLists",
  "EncryptedAttachment",
  "EncryptionSettings",
  "OlmMachine",
  "RoomId",
  "UserId",
  "RequestType",
  "StoreType",
  "KeysClaimRequest",
  "KeysQueryRequest",
  "KeysUploadRequest",
  "RoomMessageRequest",
  "SignatureUploadRequest",
  "ToDeviceRequest",
  "KeysBackupRequest",
  "EncryptionAlgorithm",
  "HistoryVisibility",
  "DecryptedRoomEvent",
  "Versions",
];
for (const name of names) module.exports[name] = Unsupported;
