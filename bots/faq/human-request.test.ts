import { isHumanRequest } from './human-request';

describe('requests for a person', () => {
  it.each([
    'gặp nhân viên',
    'cho em gặp nhân viên',
    'gap nguoi that',
    'tư vấn viên',
    'cho em nói chuyện với người',
    'nối máy cho tôi với nhân viên',
    'chuyển sang nhân viên giúp mình',
    'cho mk gặp ad',
    'gặp nv tư vấn đc ko',
    'e cần nói chuyện vs nhân viên',
    'nhân viên ơi',
    'nv đâu r',
    'có nhân viên nào trực không',
    'tôi muốn nói chuyện với người thật, không phải bot',
    'kết nối với chăm sóc khách hàng',
    'gọi lại cho tôi được không',
    'talk to a human',
    'agent please',
    'real person',
    'I want to speak to someone',
    'can you connect me to an agent',
    'speak to a representative',
    'human please',
  ])('%s', (text) => {
    expect(isHumanRequest(text)).toBe(true);
  });

  it.each([
    'nhân viên giao hàng có gọi trước không',
    'Nhân viên giao hàng có gọi trước không?',
    'shop có tuyển nhân viên không',
    'Shop có tuyển nhân viên giao hàng không?',
    'nhân viên lắp đặt có thu thêm phí không',
    'shipper có gọi điện cho người nhận trước không',
    'Nhân viên có nói được tiếng Anh không?',
    'số hotline chăm sóc khách hàng là gì',
    'bảo hành bao lâu',
    'Do your staff install the TV?',
    'Is the delivery agent going to call me?',
    'alo',
    '',
  ])('not: %s', (text) => {
    expect(isHumanRequest(text)).toBe(false);
  });
});
