import { expandFolded } from './teencode';

/**
 * Does the customer ask for a person? Checked before the FAQ, on the folded,
 * teencode-expanded text ("cho e gap nv" → "cho em gap nhan vien").
 *
 * A staff noun alone is not a request: "nhân viên giao hàng có gọi trước không" or "shop
 * có tuyển nhân viên không" are ordinary questions. It becomes one when it follows a verb
 * of contact (gặp, nói chuyện với, nối máy, chuyển sang…) or when the message is nothing
 * but the noun and particles ("nhân viên ơi", "agent please").
 */

/** Who a customer asks for. */
const PERSON = [
  'nhan vien(?! (?:giao hang|lap dat|van chuyen|nguoi giao hang))',
  'tu van vien', 'tong dai vien', 'ky thuat vien', 'cham soc khach hang', 'bo phan (?:cham soc khach hang|ho tro|ky thuat|kinh doanh|ban hang)',
  // "người" alone only when it is not "người nhận / người giao / người khác…"
  'nguoi(?! (?:giao|nhan|mua|dat|gui|nha|than|khac|dung|ship|lap))(?: that| that su| tu van| ho tro| phu trach| truc| ban hang| cua (?:shop|cua hang))?',
  'admin', 'chu (?:shop|cua hang)', 'quan ly', 'ai do', 'mot ai do', 'ban nao',
].join('|');

/** Verbs of contact that take a person as object. */
const CONTACT = [
  'gap', 'gap truc tiep', 'noi chuyen(?: truc tiep)?(?: voi| cung)?', 'chat(?: truc tiep)?(?: voi| cung)?', 'nhan tin(?: voi)?', 'trao doi(?: truc tiep)?(?: voi)?',
  'lien he(?: truc tiep)?(?: voi)?', 'lien lac(?: voi)?', 'ket noi(?: voi| cho \\w+(?: voi)?)?', 'noi may(?: cho \\w+)?(?: voi| toi| den| sang| qua)?',
  'chuyen(?: cho \\w+)?(?: sang| qua| cho| den| toi)', 'goi',
].join('|');

/** Filler a bare request may carry ("nhân viên ơi", "cho mình gặp ạ", "agent please"). */
const FILLER = new Set(['a', 'oi', 'voi', 'nhe', 'nha', 'di', 'giup', 'em', 'minh', 'toi', 'anh', 'chi', 'cho', 'xin', 'lam', 'on', 'vui', 'long', 'please', 'pls', 'plz', 'now', 'dau', 'roi', 'the', 'vay', 'shop', 'can', 'muon', 'gap', 'an', 'i', 'need', 'want']);
const BARE = /^(?:nhan vien|tu van vien|tong dai vien|nguoi that|nguoi that su|cham soc khach hang|human|agent|operator|representative|real person|live agent|live person|human agent|customer service)$/;

const PATTERNS: RegExp[] = [
  new RegExp(`\\b(?:${CONTACT})(?: \\w+){0,2} (?:${PERSON})\\b`),
  /\bnguoi that\b/,
  // "có nhân viên nào trực không", "có ai ở đó không": is someone there?
  /\b(?:nhan vien|tu van vien|ai|nguoi|admin)(?: nao)?(?: dang)? (?:truc|online|o do|o day)\b/,
  /\b(?:tu van|ho tro|noi chuyen) truc tiep\b/,
  /\b(?:can|muon|xin|nho) (?:duoc |nguoi |ben shop |shop )?tu van\b(?! vien)/,
  /\bgoi(?: dien)? lai(?: cho)? (?:toi|em|minh|tui|anh|chi)\b/,
  /\bkhong (?:muon |thich )?(?:noi chuyen|chat|nhan tin) (?:voi|cung) (?:bot|may|robot)\b/,
  /\b(?:la |phai )?(?:bot|may|robot) (?:hay|hoac) (?:la )?nguoi\b/,
  // English
  /\b(?:talk|speak|chat) (?:to|with) (?:a |an |the |some |your |one of your )?(?:human|person|people|agent|someone|somebody|staff|representative|operator|manager|real|live|customer service|support|employee)\b/,
  /\b(?:connect|transfer|put) me (?:to|with|through)\b/,
  /\b(?:real|live|actual) (?:person|human|agent|people)\b/,
  /\bhuman (?:agent|being|please|support)\b/,
  /\b(?:want|need|get me|give me|is there) (?:a |an |to talk to a |to speak to a )?(?:human|real person|agent|representative|operator)\b/,
  /\bcall me back\b/,
];

export function isHumanRequest(text: string): boolean {
  const folded = expandFolded(text);
  if (folded === '') return false;
  if (PATTERNS.some((p) => p.test(folded))) return true;
  const core = folded
    .split(' ')
    .filter((w) => !FILLER.has(w))
    .join(' ');
  return BARE.test(core);
}
