import { describe, expect, it } from 'vitest';
import { pick } from '../src/channels/zalo/bot.js';
import { commandOf, numbersOf, replyOf, stopRequestOf } from '../src/channels/zalo/keywords.js';
import { LastAnswerStore } from '../src/channels/zalo/last-answer.js';
import { withoutMention } from '../src/channels/zalo/mention.js';
import { textOf, updatesOf } from '../src/channels/zalo/updates.js';
import { Store } from '../src/db/store.js';

describe('zalo keywords', () => {
  it('match whole messages with and without diacritics, in any case, with trailing punctuation', () => {
    expect(commandOf('đăng ký')).toBe('subscribe');
    expect(commandOf('dang ky')).toBe('subscribe');
    expect(commandOf('  ĐĂNG KÝ! ')).toBe('subscribe');
    expect(commandOf('Đăng kí')).toBe('subscribe');
    expect(commandOf('hủy')).toBe('unsubscribe');
    expect(commandOf('huy')).toBe('unsubscribe');
    expect(commandOf('Nguồn')).toBe('sources');
    expect(commandOf('nguon')).toBe('sources');
    expect(commandOf('xóa dữ liệu')).toBe('forget');
    expect(commandOf('xoá dữ liệu')).toBe('forget');
    expect(commandOf('xoa du lieu')).toBe('forget');
    expect(commandOf('hướng dẫn')).toBe('help');
    expect(commandOf('huong dan')).toBe('help');
    expect(commandOf('bắt đầu')).toBe('greeting');
    expect(commandOf('Xin chào')).toBe('greeting');
    expect(commandOf('thông báo')).toBe('announce');
    expect(commandOf('tien do')).toBe('progress');
    expect(commandOf('cập nhật')).toBe('refresh');
  });

  it('never match a question that merely contains a keyword', () => {
    expect(commandOf('huy động nguồn lực')).toBeUndefined();
    expect(commandOf('huy dong nguon luc cho du an')).toBeUndefined();
    expect(commandOf('đăng ký kinh doanh ở đâu?')).toBeUndefined();
    expect(commandOf('thông báo về cầu Đội Kỳ')).toBeUndefined();
  });

  it('read votes as emoji (any skin tone) or words', () => {
    expect(commandOf('👍')).toBe('voteUp');
    expect(commandOf('👍🏻')).toBe('voteUp');
    expect(commandOf('👎')).toBe('voteDown');
    expect(commandOf('hữu ích')).toBe('voteUp');
    expect(commandOf('khong dung')).toBe('voteDown');
  });

  it('read dialogue replies', () => {
    expect(replyOf('gửi')).toBe('send');
    expect(replyOf('GUI')).toBe('send');
    expect(replyOf('hủy')).toBe('cancel');
    expect(replyOf('xoa')).toBe('confirm');
    expect(replyOf('gửi cho tôi tài liệu')).toBeUndefined();
  });

  it('read numbered choices', () => {
    expect(numbersOf('1 3')).toEqual([1, 3]);
    expect(numbersOf('1,3')).toEqual([1, 3]);
    expect(numbersOf(' 1, 3 , 3 ')).toEqual([1, 3]);
    expect(numbersOf('0')).toEqual([0]);
    expect(numbersOf('1 và 3')).toBeUndefined();
    expect(numbersOf('năm 2025')).toBeUndefined();
    expect(pick('0 2', 5)).toEqual([]);
    expect(pick('2 5', 5)).toEqual([2, 5]);
    expect(pick('6', 5)).toBeUndefined();
  });
});

describe('zalo updates', () => {
  const bare = {
    event_name: 'message.text.received',
    message: { message_id: 'a', text: 'xin chào', chat: { id: 'c1' }, from: { id: 'u1' } },
  };

  it('accept bare, wrapped and array forms, and ignore anything else', () => {
    expect(updatesOf(bare)).toEqual([bare]);
    expect(updatesOf({ ok: true, result: bare })).toEqual([bare]);
    expect(updatesOf({ ok: true, result: [bare, bare] })).toHaveLength(2);
    expect(updatesOf([bare])).toEqual([bare]);
    expect(updatesOf({ ok: true, result: null })).toEqual([]);
    expect(updatesOf({ hello: 'world' })).toEqual([]);
    expect(updatesOf('text')).toEqual([]);
  });

  it('take text only from text messages', () => {
    expect(textOf(bare)).toBe('xin chào');
    expect(textOf({ event_name: 'message.sticker.received', message: { chat: { id: 'c' }, sticker: 's' } })).toBeUndefined();
    expect(textOf({ event_name: 'message.image.received', message: { chat: { id: 'c' }, text: 'caption' } })).toBeUndefined();
    expect(textOf({ message: { chat: { id: 'c' }, text: '  ' } })).toBeUndefined();
  });
});

describe('zalo last answer', () => {
  it("lives under the chat's zalo: prefix and goes with the chat's data", () => {
    const store = Store.open(':memory:');
    const last = new LastAnswerStore(store.kv);
    last.set('c1', 7);
    last.set('c2', 8);
    expect(last.get('c1')).toBe(7);
    store.forgetChat('zalo', 'c2');
    expect(last.get('c2')).toBeUndefined();
    expect(last.get('c1')).toBe(7);
    store.close();
  });
});

describe('zalo staff stop request', () => {
  it('reads "dừng gửi <số>" with and without diacritics, "số" or "#"', () => {
    expect(stopRequestOf('dừng gửi 12')).toBe(12);
    expect(stopRequestOf('dung gui 12')).toBe(12);
    expect(stopRequestOf('Dừng gửi số 7.')).toBe(7);
    expect(stopRequestOf('dừng gửi #3')).toBe(3);
    expect(stopRequestOf('dừng gửi')).toBeUndefined();
    expect(stopRequestOf('khi nào dừng gửi 12 thông báo')).toBeUndefined();
  });
});

describe('zalo group mentions', () => {
  const names = ['bot.civic'];
  it('finds the bot named with or without "@", in any case, and takes the name out', () => {
    expect(withoutMention('@bot.civic Cầu Đội Kỳ xong chưa?', names)).toBe('Cầu Đội Kỳ xong chưa?');
    expect(withoutMention('BOT.CIVIC, hướng dẫn', names)).toBe('hướng dẫn');
    expect(withoutMention('cho hỏi @bot.civic', names)).toBe('cho hỏi');
    expect(withoutMention('Cầu Đội Kỳ xong chưa?', names)).toBeUndefined();
  });

  it('matches a display name with diacritics typed without them', () => {
    expect(withoutMention('tro ly thanh pho oi, cau doi ky xong chua', ['Trợ lý Thành phố'])).toBe('oi, cau doi ky xong chua');
    expect(withoutMention('Trợ lý thành phố ơi', ['Trợ lý Thành phố'])).toBe('ơi');
    expect(withoutMention('anything', [])).toBeUndefined();
  });
});
