import type { MessageContent } from '../../src/core/message';
import { parseSurveyAnswer, parseSurveyPayload } from '../../src/surveys/survey-answers';
import { surveyQuestion } from '../../src/surveys/survey-questions';
import { firstSurvey, surveySettings, surveySettingsProblem } from '../../src/surveys/survey-settings';

const text = (t: string): MessageContent => ({ type: 'text', text: t });
const tap = (payload: string, title = 'x'): MessageContent => ({ type: 'quick_reply', text: title, payload });

describe('survey answers', () => {
  test.each<[string, MessageContent, 'csat' | 'nps', number | null]>([
    ['a plain digit', text('5'), 'csat', 5],
    ['spaces and a full stop', text('  4. '), 'csat', 4],
    ['"sao" (stars)', text('5 sao'), 'csat', 5],
    ['"sao" glued to the number', text('3sao'), 'csat', 3],
    ['"điểm"', text('4 điểm'), 'csat', 4],
    ['a star emoji', text('5⭐️'), 'csat', 5],
    ['only stars', text('⭐⭐⭐⭐'), 'csat', 4],
    ['out of five', text('4/5'), 'csat', 4],
    ['full-width digit', text('５'), 'csat', 5],
    ['exclamation', text('5!!'), 'csat', 5],
    ['CSAT out of range (7)', text('7'), 'csat', null],
    ['CSAT zero', text('0'), 'csat', null],
    ['CSAT on the NPS scale', text('8/10'), 'csat', null],
    ['too many stars', text('⭐⭐⭐⭐⭐⭐'), 'csat', null],
    ['a number in a sentence', text('cho em 5 cái'), 'csat', null],
    ['a number with another word', text('5 cái'), 'csat', null],
    ['a number in words (not supported)', text('năm'), 'csat', null],
    ['a question', text('shop ơi còn hàng không?'), 'csat', null],
    ['a decimal', text('4.5'), 'csat', null],
    ['a negative number', text('-3'), 'csat', null],
    ['NPS ten', text('10'), 'nps', 10],
    ['NPS zero', text('0'), 'nps', 0],
    ['NPS out of ten', text('9/10'), 'nps', 9],
    ['NPS "points"', text('8 points'), 'nps', 8],
    ['NPS eleven', text('11'), 'nps', null],
    ['NPS stars only (CSAT only)', text('⭐⭐⭐'), 'nps', null],
    ['CSAT button', tap('csat:4', '4 – Tốt'), 'csat', 4],
    ['NPS button', tap('nps:9', '9'), 'nps', 9],
    ['a CSAT button while NPS is asked', tap('csat:5', '5 – Rất tốt'), 'nps', null],
    ['a button out of range', tap('csat:9', '9'), 'csat', null],
    ['another button whose title is a number', tap('PRODUCT_5', '5'), 'csat', null],
    ['a postback with a survey payload', { type: 'postback', payload: 'csat:2' }, 'csat', 2],
    ['an image', { type: 'image', url: 'https://example.com/a.png', caption: '5' }, 'csat', null],
    ['a sticker', { type: 'sticker', stickerId: '5' }, 'csat', null],
  ])('%s', (_name, content, pending, expected) => {
    expect(parseSurveyAnswer(content, pending)).toBe(expected);
  });

  test('payloads', () => {
    expect(parseSurveyPayload('csat:5')).toEqual({ kind: 'csat', score: 5 });
    expect(parseSurveyPayload('nps:0')).toEqual({ kind: 'nps', score: 0 });
    expect(parseSurveyPayload('nps:11')).toBeNull();
    expect(parseSurveyPayload('csat:')).toBeNull();
    expect(parseSurveyPayload('rater:3')).toBeNull();
  });
});

describe('survey settings', () => {
  test('CSAT on and NPS off by default, in Vietnamese', () => {
    expect(surveySettings({})).toMatchObject({ csat: true, nps: false, language: 'vi' });
    expect(firstSurvey(surveySettings({}))).toBe('csat');
  });

  test('each field falls back on its own; the inbox language is used when the surveys have none', () => {
    expect(surveySettings({ surveys: { csat: 'yes', nps: true } })).toMatchObject({ csat: true, nps: true });
    expect(surveySettings({ lang: 'en', surveys: { nps: true } }).language).toBe('en');
    expect(surveySettings({ lang: 'en', surveys: { language: 'vi' } }).language).toBe('vi');
    expect(surveySettings({ surveys: 'off' })).toMatchObject({ csat: true, nps: false });
    expect(firstSurvey(surveySettings({ surveys: { csat: false, nps: true } }))).toBe('nps');
    expect(firstSurvey(surveySettings({ surveys: { csat: false } }))).toBeNull();
  });

  test('problems are named for an API that refuses bad settings', () => {
    expect(surveySettingsProblem({})).toBeNull();
    expect(surveySettingsProblem({ surveys: { csat: true, nps: true, language: 'en' } })).toBeNull();
    expect(surveySettingsProblem({ surveys: { nps: 'yes' } })).toMatch(/^surveys: nps /);
    expect(surveySettingsProblem({ surveys: { language: 'fr' } })).toMatch(/language/);
    expect(surveySettingsProblem({ surveys: { cast: true } })).toMatch(/cast/);
  });
});

describe('survey questions per channel form', () => {
  test('buttons where the channel has room for every score', () => {
    const csat = surveyQuestion('csat', 'vi', { quickReplies: 10 });
    expect(csat).toMatchObject({ type: 'text', text: 'Bạn đánh giá cuộc trò chuyện này thế nào? (1–5)' });
    expect(csat.type === 'text' && csat.quickReplies?.map((q) => q.payload)).toEqual(['csat:1', 'csat:2', 'csat:3', 'csat:4', 'csat:5']);
    const nps = surveyQuestion('nps', 'en', { quickReplies: 13 });
    expect(nps.type === 'text' && nps.quickReplies?.map((q) => q.title)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  });

  test('without buttons: CSAT options become numbered lines whose number is the score; NPS asks for a number', () => {
    const csat = surveyQuestion('csat', 'vi', { quickReplies: false });
    expect(csat.type === 'text' && csat.quickReplies?.map((q) => q.title)).toEqual(['Rất tệ', 'Tệ', 'Bình thường', 'Tốt', 'Rất tốt']);
    const nps = surveyQuestion('nps', 'vi', { quickReplies: 10 });
    expect(nps).toEqual({ type: 'text', text: expect.stringMatching(/0 đến 10/) });
    const few = surveyQuestion('csat', 'en', { quickReplies: 3 });
    expect(few).toEqual({ type: 'text', text: expect.stringMatching(/1\. Very poor\n2\. Poor\n3\. OK\n4\. Good\n5\. Excellent$/) });
  });
});
