// The impairing proxy (lib/impair-proxy.mjs) against a tiny local TCP server: each profile does what it says, and
// only to what the server sends. No browser and no host: in the unit step (label `player`).

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';

import { sleep } from './lib/host.mjs';
import { startImpairProxy } from './lib/impair-proxy.mjs';

const TEST = { timeout: 20000 };

// The server behind the proxy. Each connection's first line says what to do:
// `echo` (send back what arrives), `ticks N MS` (N numbered lines, one every MS ms), `flood BYTES` (as fast as
// the socket takes them).
let server;
let serverPort;
const serverSockets = new Set();

before(async () => {
	server = net.createServer((socket) => {
		serverSockets.add(socket);
		socket.on('close', () => serverSockets.delete(socket));
		socket.on('error', () => {});
		let text = '';
		const onData = (data) => {
			text += data.toString('latin1');
			const newline = text.indexOf('\n');
			if (newline < 0) {
				return;
			}
			socket.off('data', onData);
			const [command, ...args] = text.slice(0, newline).split(' ');
			const rest = text.slice(newline + 1);
			if (command === 'echo') {
				socket.write(rest);
				socket.pipe(socket);
			} else if (command === 'ticks') {
				const [count, everyMs] = args.map(Number);
				let sent = 0;
				const timer = setInterval(() => {
					if (socket.destroyed || sent === count) {
						clearInterval(timer);
						socket.end();
						return;
					}
					socket.write(`${sent++}\n`);
				}, everyMs);
				socket.on('close', () => clearInterval(timer));
			} else if (command === 'flood') {
				const chunk = Buffer.alloc(1024, 120);
				let left = Number(args[0]);
				const fill = () => {
					while (left > 0 && !socket.destroyed) {
						left -= chunk.length;
						if (!socket.write(chunk)) {
							socket.once('drain', fill);
							return;
						}
					}
					socket.end();
				};
				fill();
			}
		};
		socket.on('data', onData);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	serverPort = server.address().port;
});

after(async () => {
	for (const socket of serverSockets) {
		socket.destroy();
	}
	await new Promise((resolve) => server.close(resolve));
});

// Connects through the proxy, sends `command`, and records what arrives and when (ms since connecting).
function client(proxy, command) {
	const socket = net.connect({ port: proxy.port, host: '127.0.0.1' });
	const record = { socket, chunks: [], bytes: 0, text: '', closed: false, closedAt: null, started: performance.now() };
	record.done = new Promise((resolve) => {
		socket.on('close', () => {
			record.closed = true;
			record.closedAt = performance.now() - record.started;
			resolve();
		});
	});
	socket.on('error', () => {});
	socket.on('data', (data) => {
		record.chunks.push({ at: performance.now() - record.started, bytes: data.length });
		record.bytes += data.length;
		if (record.text.length < 100000) {
			record.text += data.toString('latin1');
		}
	});
	socket.write(`${command}\n`);
	return record;
}

const within = (promise, ms, what) =>
	Promise.race([promise, sleep(ms).then(() => assert.fail(`${what} did not happen within ${ms} ms`))]);

test('clean passes both directions unchanged', TEST, async () => {
	const proxy = await startImpairProxy({ targetPort: serverPort });
	try {
		const c = client(proxy, 'echo');
		c.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n');
		await within((async () => {
			while (!c.text.includes('\r\n\r\n')) {
				await sleep(10);
			}
		})(), 3000, 'the echo');
		assert.equal(c.text, 'GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n');
		assert.equal(proxy.counters.connections, 1);
		assert.ok(proxy.counters.bytesUp >= 5 + c.text.length);
		assert.equal(proxy.counters.bytesDown, c.text.length);
		c.socket.destroy();
	} finally {
		await proxy.close();
	}
});

test('cut closes every proxied connection, both sides', TEST, async () => {
	const proxy = await startImpairProxy({ targetPort: serverPort, profile: 'cut', options: { everyMs: 300 } });
	try {
		const a = client(proxy, 'ticks 1000 20');
		const b = client(proxy, 'ticks 1000 20');
		await within(Promise.all([a.done, b.done]), 2000, 'the cut');
		assert.ok(a.closedAt > 150 && a.closedAt < 800, `closed after ${a.closedAt} ms`);
		assert.ok(a.bytes > 0, 'data flowed before the cut');
		assert.ok(proxy.counters.cuts >= 1);
		assert.equal(proxy.counters.connectionsCut, 2);
		await within((async () => {
			while (serverSockets.size > 0) {
				await sleep(10);
			}
		})(), 2000, 'the server side closing');
		// New connections work until the next cut.
		const c = client(proxy, 'ticks 3 10');
		await within(c.done, 2000, 'the end of a short exchange');
		assert.equal(c.text, '0\n1\n2\n');
	} finally {
		await proxy.close();
	}
});

test('freeze holds what the server sends, then releases it at once', TEST, async () => {
	const proxy = await startImpairProxy({
		targetPort: serverPort,
		profile: 'freeze',
		options: { everyMs: 500, forMs: 300 },
	});
	try {
		const c = client(proxy, 'ticks 70 10'); // 700 ms of ticks; the first freeze holds 500-800 ms
		await within(c.done, 5000, 'the end of the ticks');
		assert.equal(proxy.counters.freezes >= 1, true);
		const lines = c.text.trim().split('\n').map(Number);
		assert.deepEqual(lines, [...Array(70).keys()], 'every byte arrives, in order');
		// The longest silence between chunks is the freeze; the chunk after it carries what was held.
		let gap = 0;
		let release = null;
		for (let i = 1; i < c.chunks.length; i++) {
			const silence = c.chunks[i].at - c.chunks[i - 1].at;
			if (silence > gap) {
				gap = silence;
				release = c.chunks[i];
			}
		}
		assert.ok(gap > 250 && gap < 450, `the longest silence was ${gap} ms`);
		assert.ok(release.bytes > 15 * 3, `${release.bytes} bytes released at once`);
	} finally {
		await proxy.close();
	}
});

test('thin caps the rate from the server (within 15 %)', TEST, async () => {
	const rate = 20000;
	const proxy = await startImpairProxy({
		targetPort: serverPort,
		profile: 'thin',
		options: { bytesPerSecond: rate, burstBytes: 2048 },
	});
	try {
		const c = client(proxy, 'flood 400000');
		await sleep(3000);
		// After the burst, the bytes of the last 2.5 s.
		const counted = c.chunks.filter((chunk) => chunk.at >= 500).reduce((sum, chunk) => sum + chunk.bytes, 0);
		const measured = counted / ((performance.now() - c.started - 500) / 1000);
		assert.ok(Math.abs(measured - rate) < rate * 0.15, `${Math.round(measured)} B/s through a ${rate} B/s link`);
		// The server was pushed back on, not buffered without bound.
		assert.ok(proxy.counters.heldBytesMax <= 64 * 1024 + 64 * 1024, `held ${proxy.counters.heldBytesMax} bytes`);
		c.socket.destroy();
	} finally {
		await proxy.close();
	}
});

test('jitter delays chunks at random but keeps their order', TEST, async () => {
	const proxy = await startImpairProxy({ targetPort: serverPort, profile: 'jitter', options: { maxMs: 80 } });
	try {
		const c = client(proxy, 'ticks 100 5');
		await within(c.done, 5000, 'the end of the ticks');
		const lines = c.text.trim().split('\n').map(Number);
		assert.deepEqual(lines, [...Array(100).keys()]);
		assert.ok(proxy.counters.delayedChunks >= 50, `${proxy.counters.delayedChunks} chunks delayed`);
		// 100 ticks 5 ms apart take 500 ms; the random waits bunch them (a later chunk waits for an earlier one).
		const gaps = c.chunks.slice(1).map((chunk, i) => chunk.at - c.chunks[i].at);
		assert.ok(Math.max(...gaps) > 15, `largest gap ${Math.max(...gaps)} ms: no jitter seen`);
		assert.ok(c.chunks.length < 100, `${c.chunks.length} chunks: waits bunch them`);
	} finally {
		await proxy.close();
	}
});

test('profiles switch while connections run', TEST, async () => {
	const proxy = await startImpairProxy({ targetPort: serverPort });
	try {
		const c = client(proxy, 'ticks 80 10');
		await sleep(200);
		proxy.freeze(2000);
		await sleep(300);
		const before = c.bytes;
		proxy.setProfile('clean'); // ends the freeze at once
		await sleep(100);
		assert.ok(c.bytes > before, 'the held bytes arrive when the profile changes');
		await within(c.done, 3000, 'the end of the ticks');
		assert.equal(c.text.trim().split('\n').length, 80);
	} finally {
		await proxy.close();
	}
});
