/**
 * Phone numbers to E.164, Vietnamese first: `0912 345 678`, `+84 912 345 678`, `84912345678`
 * and `0084912345678` are all `+84912345678`. Numbers written with a pre-2018 11-digit
 * mobile prefix (`0168…`) are mapped to the prefix that replaced them (`038…`), so a contact
 * who typed the old number matches the new one.
 * (The Ministry of Information and Communications moved every 11-digit mobile number to
 * 10 digits in 2018; the table below is that change.)
 */
const OLD_MOBILE_PREFIX: Record<string, string> = {
  '120': '70', '121': '79', '122': '77', '126': '76', '128': '78',
  '123': '83', '124': '84', '125': '85', '127': '81', '129': '82',
  '162': '32', '163': '33', '164': '34', '165': '35', '166': '36', '167': '37', '168': '38', '169': '39',
  '186': '56', '188': '58', '199': '59',
};

/** The number in E.164, or null when it is not a phone number we can be sure of. */
export function toE164(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const trimmed = raw.trim();
  // A `+` only where it starts the number, also written as `(+84) …`.
  if (!/^\(?\+?[\d\s().\-/]+$/.test(trimmed)) return null;
  const plus = /^\(?\+/.test(trimmed);
  let digits = trimmed.replace(/\D/g, '');
  if (!plus && digits.startsWith('00')) return international(digits.slice(2));
  if (plus) {
    if (!digits.startsWith('84')) return international(digits);
    digits = digits.slice(2);
  } else if (digits.startsWith('84') && (digits.length === 11 || digits.length === 12)) {
    digits = digits.slice(2);
  } else if (digits.startsWith('0')) {
    digits = digits.slice(1);
  } else {
    return null;
  }
  return vietnamese(digits);
}

/** A Vietnamese national number without its leading 0: 9 digits mobile, 10 digits landline (2x). */
function vietnamese(national: string): string | null {
  if (national.startsWith('0')) national = national.slice(1); // +84 0912… written with the trunk 0
  if (national.length === 10 && national.startsWith('1')) {
    const replaced = OLD_MOBILE_PREFIX[national.slice(0, 3)];
    if (!replaced) return null;
    national = replaced + national.slice(3);
  }
  if (national.length === 9 && /^[35789]/.test(national)) return `+84${national}`;
  if (national.length === 10 && national.startsWith('2')) return `+84${national}`;
  return null;
}

/** Another country's number: its country code and 7–14 more digits (ITU-T E.164: at most 15). */
function international(digits: string): string | null {
  if (digits.startsWith('84')) return vietnamese(digits.slice(2));
  if (!/^[1-9]\d{7,14}$/.test(digits)) return null;
  return `+${digits}`;
}
