// The subscription and data-deletion flows in the core, below any channel: the steps, what they
// store, and that their state expires and goes with the chat's data. The channels' renderings are
// in test/channel-parity.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForgetFlow } from '../src/core/forget-flow.js';
import { SubscribeFlow } from '../src/core/subscribe-flow.js';
import type { ChatRef } from '../src/domain/index.js';
import { writeCityFile } from './helpers/city.js';
import { startCore, type TestCore } from './helpers/core.js';

const WARDS = ['Đức Xuân', 'Phùng Chí Kiên', 'Sông Cầu'];
const TOPICS = [
  { slug: 'giao-thong', label: 'Giao thông' },
  { slug: 'do-thi', label: 'Đô thị và xây dựng' },
];

let core: TestCore;
let now = 1_000_000;
let subscribe: SubscribeFlow;
let forget: ForgetFlow;
const ref = (chatId: string): ChatRef => ({ channel: 'zalo', chatId, userId: chatId });

beforeAll(async () => {
  core = await startCore({ CITY_FILE: writeCityFile({ name: 'Bắc Kạn', wards: WARDS, topics: TOPICS }) }, { database: ':memory:' });
  const { store, residents, config } = core;
  subscribe = new SubscribeFlow({ city: config.city, kv: store.kv, residents, ttlMs: 60_000, now: () => now });
  forget = new ForgetFlow({ kv: store.kv, residents, ttlMs: 60_000, now: () => now });
});

afterAll(() => core?.cleanup());

describe('subscribing', () => {
  it('goes topics → wards → confirm, and stores nothing before the confirmation', () => {
    const r = ref('s1');
    expect(subscribe.start(r)).toMatchObject({ kind: 'choose-topics', options: [{ value: 'giao-thong', selected: false }, {}] });
    expect(subscribe.handle(r, { kind: 'toggle', value: 'do-thi' })).toMatchObject({
      kind: 'choose-topics',
      options: [{ selected: false }, { value: 'do-thi', selected: true }],
    });
    expect(subscribe.handle(r, { kind: 'next' })).toMatchObject({ kind: 'choose-wards', options: WARDS.map((w) => ({ value: w })) });
    expect(subscribe.handle(r, { kind: 'pick', values: ['Sông Cầu', 'Đức Xuân'] })).toEqual({
      kind: 'confirm',
      topics: ['Đô thị và xây dựng'],
      wards: ['Đức Xuân', 'Sông Cầu'],
    });
    expect(core.store.subscribers.get('zalo', 's1')).toBeUndefined();
    expect(subscribe.handle(r, { kind: 'confirm' })).toEqual({
      kind: 'subscribed',
      topics: ['Đô thị và xây dựng'],
      wards: ['Đức Xuân', 'Sông Cầu'],
    });
    expect(core.store.subscribers.get('zalo', 's1')).toMatchObject({
      status: 'active',
      topics: ['do-thi'],
      wards: ['Đức Xuân', 'Sông Cầu'],
    });
    expect(subscribe.state(r)).toBeUndefined();
  });

  it('starts again from the current subscription, and "all" means every topic and the whole city', () => {
    const r = ref('s1');
    expect(subscribe.start(r)).toMatchObject({ options: [{ selected: false }, { selected: true }] });
    expect(subscribe.handle(r, { kind: 'all' })).toMatchObject({
      kind: 'choose-wards',
      options: [{ selected: true }, { selected: false }, { selected: true }],
    });
    expect(subscribe.handle(r, { kind: 'all' })).toEqual({ kind: 'confirm', topics: [], wards: [] });
    subscribe.handle(r, { kind: 'confirm' });
    expect(core.store.subscribers.get('zalo', 's1')).toMatchObject({ topics: [], wards: [] });
  });

  it('asks again for what is not on the list, and cancels without storing', () => {
    const r = ref('s2');
    subscribe.start(r);
    expect(subscribe.handle(r, { kind: 'pick', values: ['khong-co'] })).toMatchObject({ kind: 'again', screen: { kind: 'choose-topics' } });
    expect(subscribe.handle(r, { kind: 'confirm' })).toMatchObject({ kind: 'again', screen: { kind: 'choose-topics' } });
    subscribe.handle(r, { kind: 'next' });
    subscribe.handle(r, { kind: 'next' });
    expect(subscribe.handle(r, { kind: 'toggle', value: 'Đức Xuân' })).toMatchObject({ kind: 'again', screen: { kind: 'confirm' } });
    expect(subscribe.handle(r, { kind: 'cancel' })).toEqual({ kind: 'cancelled' });
    expect(subscribe.handle(r, { kind: 'confirm' })).toBeUndefined();
    expect(core.store.subscribers.get('zalo', 's2')).toBeUndefined();
  });

  it('forgets an abandoned choice after its timeout', () => {
    const r = ref('s3');
    subscribe.start(r);
    now += 60_001;
    expect(subscribe.handle(r, { kind: 'next' })).toBeUndefined();
    expect(core.store.kv.get('zalo:s3:subscribe')).toBeUndefined();
  });

  it('unsubscribes an active subscription once', () => {
    expect(subscribe.unsubscribe(ref('s1'))).toBe(true);
    expect(subscribe.unsubscribe(ref('s1'))).toBe(false);
  });
});

describe('deleting data', () => {
  it('deletes nothing until confirmed, then everything, the open question included', () => {
    const r = ref('f1');
    subscribe.start(r);
    subscribe.handle(r, { kind: 'all' });
    subscribe.handle(r, { kind: 'all' });
    subscribe.handle(r, { kind: 'confirm' });
    expect(forget.handle(r, { kind: 'confirm' })).toBeUndefined();
    expect(core.store.subscribers.get('zalo', 'f1')).toBeDefined();

    expect(forget.start(r)).toEqual({ kind: 'ask-confirm' });
    expect(forget.handle(r, { kind: 'cancel' })).toEqual({ kind: 'kept' });
    expect(core.store.subscribers.get('zalo', 'f1')).toBeDefined();

    forget.start(r);
    subscribe.start(r);
    expect(forget.handle(r, { kind: 'confirm' })).toEqual({ kind: 'forgotten' });
    expect(core.store.subscribers.get('zalo', 'f1')).toBeUndefined();
    expect(core.store.kv.keys('zalo:f1:')).toEqual([]);
  });

  it('does not delete on a confirmation that came after the question expired', () => {
    const r = ref('f2');
    core.residents.subscribe(r, { topics: [], wards: [] });
    forget.start(r);
    now += 60_001;
    expect(forget.handle(r, { kind: 'confirm' })).toBeUndefined();
    expect(core.store.subscribers.get('zalo', 'f2')).toBeDefined();
  });
});
