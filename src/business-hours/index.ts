/**
 * Business hours of an inbox (pure: no I/O). See schema.ts for the stored format,
 * schedule.ts for the questions (open? next opening? open time between two instants?).
 */
export {
  WEEKDAYS,
  DEFAULT_TIME_ZONE,
  BusinessHoursError,
  businessHoursSchema,
  parseBusinessHours,
  safeParseBusinessHours,
  type Weekday,
  type MinuteInterval,
  type BusinessHours,
  type BusinessHoursInput,
  type BusinessHoursIssue,
  type BusinessHoursResult,
} from './schema';
export { isOpen, nextOpening, lastClosing, openSpans, businessMilliseconds, type Span, type Instant } from './schedule';
export { awayMessageText, formatOpening, DEFAULT_AWAY_MESSAGE, type ContactLang } from './away-text';
export { inboxBusinessHours, businessHoursSettingProblem, BUSINESS_HOURS_SETTING } from './inbox-settings';
export { isValidTimeZone, wallClock, offsetAt, wallToInstant, type WallClock } from './time-zone';
