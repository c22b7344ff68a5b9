import { awayMessageText, formatOpening } from './away-text';
import { parseBusinessHours } from './schema';

const vn = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`);
const WEEKDAY = [
  ['08:00', '12:00'],
  ['13:30', '17:30'],
];
const week = { mon: WEEKDAY, tue: WEEKDAY, wed: WEEKDAY, thu: WEEKDAY, fri: WEEKDAY, sat: [['08:00', '12:00']] };

describe('formatOpening', () => {
  const hours = parseBusinessHours({ week });
  test.each([
    ['vi', vn('2026-01-12 08:00'), vn('2026-01-10 13:00'), '08:00 thứ Hai, 12/01'],
    ['vi', vn('2026-01-06 13:30'), vn('2026-01-06 12:15'), '13:30 thứ Ba, 06/01'],
    ['vi', vn('2026-01-11 09:05'), undefined, '09:05 Chủ nhật, 11/01'],
    ['vi', vn('2027-01-01 08:00'), vn('2026-12-31 20:00'), '08:00 thứ Sáu, 01/01/2027'],
    ['en', vn('2026-01-12 08:00'), vn('2026-01-10 13:00'), '08:00 on Monday, 12 January'],
    ['en', vn('2027-01-01 08:00'), vn('2026-12-31 20:00'), '08:00 on Friday, 1 January 2027'],
  ] as const)('%s %s → %s', (lang, opening, now, expected) => {
    expect(formatOpening(hours, opening, lang, now)).toBe(expected);
  });

  test('in the inbox time zone, not the server one', () => {
    const berlin = parseBusinessHours({ timeZone: 'Europe/Berlin', week });
    expect(formatOpening(berlin, new Date('2026-03-30T07:00:00Z'), 'vi')).toBe('09:00 thứ Hai, 30/03');
  });
});

describe('awayMessageText', () => {
  test('default Vietnamese text with the next opening', () => {
    expect(awayMessageText(parseBusinessHours({ week }), 'vi', vn('2026-01-06 20:00'))).toBe(
      'Cảm ơn bạn đã nhắn tin! Hiện chúng tôi đang ngoài giờ làm việc. Chúng tôi sẽ trả lời từ 08:00 thứ Tư, 07/01.',
    );
  });

  test('default English text', () => {
    expect(awayMessageText(parseBusinessHours({ week }), 'en', vn('2026-01-10 13:00'))).toBe(
      'Thank you for your message! We are outside our business hours right now. We will reply from 08:00 on Monday, 12 January.',
    );
  });

  test("the inbox's own text, one for all or per language", () => {
    const one = parseBusinessHours({ week, awayMessage: 'Shop An Phát đã nghỉ.' });
    expect(awayMessageText(one, 'en', vn('2026-01-05 12:30'))).toBe('Shop An Phát đã nghỉ. We will reply from 13:30 on Monday, 5 January.');
    const both = parseBusinessHours({ week, awayMessage: { vi: 'Shop đã nghỉ.' } });
    expect(awayMessageText(both, 'en', vn('2026-01-05 12:30'))).toBe('Shop đã nghỉ. We will reply from 13:30 on Monday, 5 January.');
  });

  test('over a holiday, the first day after it', () => {
    const tet = parseBusinessHours({ week, holidays: [{ from: '2027-02-05', to: '2027-02-10' }] });
    expect(awayMessageText(tet, 'vi', vn('2027-02-04 19:00'))).toMatch(/Chúng tôi sẽ trả lời từ 08:00 thứ Năm, 11\/02\.$/);
  });

  test('never opening again: only the text', () => {
    expect(awayMessageText(parseBusinessHours({ week: {}, awayMessage: 'Đã ngừng hoạt động.' }), 'vi', vn('2026-01-05 09:00'))).toBe('Đã ngừng hoạt động.');
  });
});
