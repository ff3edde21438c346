/** URL intake: pure functions that turn Slack text, messages and files into URLs IPS will accept. */
export { isBareAssetId, mayBeUrlOrAssetId } from './classify.js';
export { type IntakeLimitCode, IntakeLimitError, MAX_INPUT_BYTES } from './errors.js';
export { candidatesFromMessage } from './message.js';
export { runIntake } from './run.js';
export { candidatesFromFile, candidatesFromText } from './text.js';
export type {
  Candidate,
  CandidateSource,
  Expansion,
  IntakeCompany,
  IntakeResult,
  Rejection,
  RejectionCode,
  SlackMessageLike,
  TextOptions,
  ValidationResult,
} from './types.js';
export { unescapeSlack } from './unescape.js';
export { DM_PATH_PREFIXES, MAX_URL_LENGTH, validateUrl } from './validate.js';
