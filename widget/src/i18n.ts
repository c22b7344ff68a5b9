import type { WidgetLang } from '../../channels/widget/protocol';

/**
 * Every string the widget shows, in Vietnamese (the default) and English.
 * Two exports on purpose: the loader imports only LAUNCHER_TEXT, and esbuild drops the
 * rest from its bundle, so the embed script stays tiny.
 */
export const LAUNCHER_TEXT: Record<WidgetLang, { open: string; close: string; unread: string }> = {
  vi: { open: 'Mở khung chat', close: 'Đóng khung chat', unread: 'tin nhắn chưa đọc' },
  en: { open: 'Open chat', close: 'Close chat', unread: 'unread messages' },
};

const vi = {
  title: 'Chat với chúng tôi',
  close: 'Đóng',
  placeholder: 'Nhập tin nhắn…',
  inputLabel: 'Tin nhắn',
  send: 'Gửi',
  attach: 'Đính kèm tệp',
  sending: 'Đang gửi…',
  uploading: 'Đang tải lên…',
  failed: 'Không gửi được.',
  retry: 'Thử lại',
  seen: 'Đã xem',
  typing: 'Nhân viên đang nhập…',
  botTyping: 'Đang trả lời…',
  connecting: 'Đang kết nối…',
  reconnecting: 'Đang kết nối lại…',
  unavailable: 'Khung chat tạm thời không hoạt động.',
  messages: 'Tin nhắn',
  you: 'Bạn',
  image: 'Hình ảnh',
  file: 'Tệp đính kèm',
  fileTooBig: 'Tệp quá lớn (tối đa {max} MB).',
  uploadFailed: 'Không tải lên được tệp. Vui lòng thử lại.',
  prechatIntro: 'Vui lòng cho chúng tôi biết thông tin để hỗ trợ bạn tốt hơn.',
  name: 'Họ tên',
  phone: 'Số điện thoại',
  email: 'Email',
  optional: '(không bắt buộc)',
  start: 'Bắt đầu chat',
  required: 'Vui lòng nhập {field}.',
  badPhone: 'Số điện thoại không hợp lệ.',
  badEmail: 'Địa chỉ email không hợp lệ.',
  offlineIntro: 'Hiện chưa có nhân viên trực tuyến. Để lại lời nhắn, chúng tôi sẽ liên hệ lại sớm.',
  phoneOrEmail: 'Số điện thoại hoặc email',
  needContact: 'Vui lòng nhập số điện thoại hoặc email.',
  message: 'Lời nhắn',
  needMessage: 'Vui lòng nhập lời nhắn.',
  submit: 'Gửi lời nhắn',
  offlineThanks: 'Cảm ơn bạn! Chúng tôi đã nhận lời nhắn và sẽ liên hệ lại sớm.',
  submitFailed: 'Không gửi được. Vui lòng thử lại.',
};

export type PanelStrings = typeof vi;

export const PANEL_TEXT: Record<WidgetLang, PanelStrings> = {
  vi,
  en: {
    title: 'Chat with us',
    close: 'Close',
    placeholder: 'Type a message…',
    inputLabel: 'Message',
    send: 'Send',
    attach: 'Attach a file',
    sending: 'Sending…',
    uploading: 'Uploading…',
    failed: 'Not sent.',
    retry: 'Retry',
    seen: 'Seen',
    typing: 'Agent is typing…',
    botTyping: 'Replying…',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting…',
    unavailable: 'Chat is unavailable right now.',
    messages: 'Messages',
    you: 'You',
    image: 'Image',
    file: 'Attachment',
    fileTooBig: 'File too large (max {max} MB).',
    uploadFailed: 'Could not upload the file. Please try again.',
    prechatIntro: 'Tell us a little about you so we can help you better.',
    name: 'Name',
    phone: 'Phone number',
    email: 'Email',
    optional: '(optional)',
    start: 'Start chat',
    required: 'Please enter your {field}.',
    badPhone: 'That phone number does not look right.',
    badEmail: 'That e-mail address does not look right.',
    offlineIntro: 'No agent is online right now. Leave a message and we will get back to you soon.',
    phoneOrEmail: 'Phone or e-mail',
    needContact: 'Please enter a phone number or an e-mail.',
    message: 'Message',
    needMessage: 'Please enter a message.',
    submit: 'Send message',
    offlineThanks: 'Thank you! We got your message and will get back to you soon.',
    submitFailed: 'Could not send. Please try again.',
  },
};

/** Fill `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => (key in values ? String(values[key]) : all));
}
