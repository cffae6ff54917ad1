import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readDataFile } from '../src/data/files.js';
import { parseLatBench } from '../src/data/latbench.js';
import { NpArray, PickleError, PyDict, PyTuple, unpickle } from '../src/data/pickle.js';
import { median } from '../src/data/summary.js';
import { dataDir } from './helpers.js';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
// pickle.dumps({(1,2,3): 1.5, 'a': [1, -2, 300, 70000, None, True, False, b'xy', 'é'], 'big': 2**40, 'neg': -(2**40)}, protocol=P)
const P2 = '80027d7100284b014b024b03877101473ff800000000000058010000006171025d7103284b014afeffffff4d2c014a701101004e8889635f636f646563730a656e636f64650a710458020000007879710558060000006c6174696e3171068671075271085802000000c3a97109655803000000626967710a8a0600000000000158030000006e6567710b8a060000000000ff752e';
const P4 = '80049556000000000000007d94284b014b024b038794473ff80000000000008c0161945d94284b014afeffffff4d2c014a701101004e888943027879948c02c3a994658c03626967948a060000000000018c036e6567948a060000000000ff752e';
// pickle.dumps({'arr': np.array([1.5,2.5,-3.0]), 's': np.float64(0.25), 'i': np.array([[1,2],[3,4]], dtype=np.int64)}, protocol=3), numpy 2
const NP3 = '80037d71002858030000006172727101636e756d70792e5f636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7102636e756d70790a6e6461727261790a71034b008571044301627105877106527107284b014b03857108636e756d70790a64747970650a710958020000006638710a898887710b52710c284b0358010000003c710d4e4e4e4affffffff4affffffff4b0074710e62894318000000000000f83f000000000000044000000000000008c0710f747110625801000000737111636e756d70792e5f636f72652e6d756c746961727261790a7363616c61720a7112680c4308000000000000d03f71138671145271155801000000697116680268034b008571176805877118527119284b014b024b0286711a680958020000006938711b898887711c52711d284b03680d4e4e4e4affffffff4affffffff4b0074711e628943200100000000000000020000000000000003000000000000000400000000000000711f74712062752e';

for (const [name, h] of [['protocol 2', P2], ['protocol 4', P4]] as const) {
  test(`builtin containers and scalars, ${name}`, () => {
    const d = unpickle(hex(h));
    assert.ok(d instanceof PyDict);
    assert.equal(d.size, 4);
    assert.ok(d.keys[0] instanceof PyTuple);
    assert.deepEqual((d.keys[0] as PyTuple).items, [1, 2, 3]);
    assert.equal(d.get(new PyTuple([1, 2, 3])), 1.5);
    const a = d.get('a') as unknown[];
    assert.deepEqual(a.slice(0, 7), [1, -2, 300, 70000, null, true, false]);
    assert.deepEqual(Array.from(a[7] as Uint8Array), [0x78, 0x79]);
    assert.equal(a[8], 'é');
    assert.equal(d.get('big'), 2 ** 40);
    assert.equal(d.get('neg'), -(2 ** 40));
  });
}

test('numpy arrays and scalars', () => {
  const d = unpickle(hex(NP3)) as PyDict;
  const arr = d.get('arr') as NpArray;
  assert.ok(arr instanceof NpArray);
  assert.deepEqual(arr.shape, [3]);
  assert.deepEqual(Array.from(arr.data), [1.5, 2.5, -3]);
  assert.equal(d.get('s'), 0.25);
  const i = d.get('i') as NpArray;
  assert.deepEqual(i.shape, [2, 2]);
  assert.deepEqual(Array.from(i.data), [1, 2, 3, 4]);
});

test('truncated and unknown input gives a clear error with the source name', () => {
  const bytes = hex(P4);
  for (const cut of [1, 5, 20, bytes.length - 1]) {
    assert.throws(() => unpickle(bytes.subarray(0, cut), 'x.pkl'), (e: unknown) => e instanceof PickleError && /^x\.pkl: /.test(e.message) && /truncated|underflow|STOP/.test(e.message));
  }
  assert.throws(() => unpickle(hex('80047a2e'), 'y.pkl'), /y\.pkl: unknown or unsupported pickle opcode 0x7a/);
  // GLOBAL os.system followed by REDUCE must be refused, never executed.
  const evil = Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from('cos\nsystem\n'), Buffer.from([0x58, 2, 0, 0, 0]), Buffer.from('ls'), Buffer.from([0x85, 0x52, 0x2e])]);
  assert.throws(() => unpickle(evil), /unsupported pickle global os\.system/);
  assert.throws(() => unpickle(new Uint8Array(0)), /empty file: not a pickle/);
  assert.throws(() => unpickle(new TextEncoder().encode('arch,latency\n334131,0.004\n'), 'z.pkl'), /z\.pkl: not a binary pickle \(protocol 2 or later\): it starts with the text "arch,latency\.334131/);
});

test('every pickle in the data directory parses', () => {
  const dir = dataDir();
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(pkl|pickle)$/.test(f)) files.push(p);
    }
  };
  walk(dir);
  assert.ok(files.length >= 20, `found only ${files.length} pickles in ${dir}`);
  for (const f of files) {
    const obj = unpickle(readDataFile(f), f);
    assert.ok(obj instanceof PyDict, f);
    assert.ok(obj.size > 0, f);
  }
  // NB101 fixture: 30 models with 7x7 int64 adjacency.
  const nb101 = unpickle(readDataFile(join(dir, 'naslib/nb101_dummy.pkl'))) as PyDict;
  assert.equal(nb101.size, 30);
  const first = (nb101.values[0] as PyTuple).items[0] as PyDict;
  assert.ok((first.get('module_adjacency') as NpArray).shape.length === 2);
});

test('LatBench values match the data README (counts, min, median)', () => {
  const dir = dataDir();
  const expect: Record<string, [number, number, number]> = {
    'desktop-cpu-core-i7-7820x-fp32': [15284, 0.00102, 0.00478],
    'mobile-cpu-snapdragon-450-cortex-a53-int8': [15252, 0.00449, 0.0218],
    'embedded-tpu-edgetpu-large': [14802, 0.00183, 0.0179],
    'mobile-gpu-snapdragon-855-adreno-640-int8': [15284, 0.00118, 0.00378],
  };
  for (const [dev, [n, min, med]] of Object.entries(expect)) {
    const f = join(dir, 'latbench', `${dev}.pickle`);
    const ds = parseLatBench(readDataFile(f), f);
    assert.equal(ds.codes.length, n, dev);
    assert.ok(Math.abs(Math.min(...ds.seconds) - min) / min < 0.01, dev);
    assert.ok(Math.abs(median(ds.seconds) - med) / med < 0.01, dev);
  }
  // insertion (measurement) order is kept: desktop CPU starts (0,0,0,2,2,4), (1,0,0,2,2,4)
  const cpu = parseLatBench(readDataFile(join(dir, 'latbench/desktop-cpu-core-i7-7820x-fp32.pickle')), 'cpu');
  assert.equal(cpu.codes[0], 0 + 0 * 5 + 0 * 25 + 2 * 125 + 2 * 625 + 4 * 3125);
  assert.equal(cpu.codes[1], 1 + 2 * 125 + 2 * 625 + 4 * 3125);
});
