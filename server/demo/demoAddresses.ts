import type { Recipient } from '../../shared/shipping/recipient.ts';

/**
 * Where the demo's buyers receive parcels and where its shops send from: made-up people at
 * plausible addresses (the 170 number block is reserved for virtual operators, never a real
 * subscriber's), so labels and masking look as they would in a real shop.
 */
export const DEMO_RECIPIENTS: Readonly<Record<string, Recipient>> = {
  'buyer.zhang': {
    name: '张伟',
    mobile: '13812345678',
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
    detail: '文三路 478 号华星时代广场 A 座 1203 室',
    postcode: '310012',
  },
  'buyer.chen': {
    name: '陈静怡',
    mobile: '13987654321',
    province: '广东省',
    city: '深圳市',
    district: '南山区',
    detail: '科技园南区高新南七道 9 号 5 栋 601',
    postcode: '518057',
  },
  'buyer.smith': {
    name: 'John Smith',
    mobile: '17012345678',
    province: '上海市',
    city: '上海市',
    district: '静安区',
    detail: '南京西路 1266 号恒隆广场 38 楼',
    postcode: '200040',
  },
};

/** Each demo shop's sender address; the return address is the same desk in these demos. */
export const DEMO_SENDERS: Readonly<Record<string, Recipient>> = {
  'm-hz-tea': {
    name: '西湖龙井茶庄 发货部',
    mobile: '13700001111',
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
    detail: '龙井路 88 号茶叶仓库',
    postcode: '310013',
  },
  'm-sz-elec': {
    name: '华强电子 仓库',
    mobile: '13700002222',
    province: '广东省',
    city: '深圳市',
    district: '福田区',
    detail: '华强北路 1002 号赛格广场 12 楼',
    postcode: '518031',
  },
  'm-tp-craft': {
    name: '手作工坊 寄件',
    mobile: '13700003333',
    province: '福建省',
    city: '厦门市',
    district: '思明区',
    detail: '中山路 21 号',
    postcode: '361001',
  },
  'm-ldn-books': {
    name: 'London Rare Books (CN)',
    mobile: '13700004444',
    province: '上海市',
    city: '上海市',
    district: '黄浦区',
    detail: '福州路 424 号',
    postcode: '200001',
  },
};

/** Waybill-number segments a platform operator would load; a demo shop can print at once. */
export const DEMO_WAYBILL_SEGMENTS = [
  {
    segmentId: 'demo-sf-1',
    carrier: 'sf',
    firstSerial: 2_026_000_000_001,
    lastSerial: 2_026_000_100_000,
  },
  {
    segmentId: 'demo-zto-1',
    carrier: 'zto',
    firstSerial: 31_000_000_001,
    lastSerial: 31_000_100_000,
  },
  {
    segmentId: 'demo-yto-1',
    carrier: 'yto',
    firstSerial: 8_800_000_000_001,
    lastSerial: 8_800_000_100_000,
  },
  { segmentId: 'demo-ems-1', carrier: 'ems', firstSerial: 10_000_001, lastSerial: 10_100_000 },
] as const;
