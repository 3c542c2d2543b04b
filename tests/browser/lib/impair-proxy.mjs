// A TCP proxy on 127.0.0.1 that puts a bad network between the browser and the host: the page's URL points at the
// proxy, which forwards every connection (the page, status.json, /stream) to the host's port. Only what the server
// sends is impaired, the direction the audio travels; what the client sends passes at once. The bytes are not
// touched, so the browser's Host header names the proxy (127.0.0.1:<proxy port>): the plugin serves any IP
// address as its own name, whatever the port, so it answers those requests as usual.
//
// Profiles, switchable while connections run (setProfile):
// - clean: bytes pass as they come;
// - cut: every `everyMs` (10 s) every proxied connection is closed, both sides destroyed, as when a phone changes
//   networks;
// - freeze: every `everyMs` (10 s) nothing reaches the clients for `forMs` (2.5 s); then what was held is delivered
//   at once, as after a stalled Wi-Fi link or a radio handover;
// - jitter: each chunk from the server waits a random 0–`maxMs` (80 ms), never overtaking the one before it;
// - thin: the server's bytes reach each client at most at `bytesPerSecond` (12 kB/s), with a token bucket of
//   `burstBytes` (4 kB) for a short burst. A 128 kbps stream is 16 kB/s of MP3 but about 23 kB/s on the wire as
//   SSE (base64 and event framing): 12 kB/s is about half of what /stream needs.
// A connection holds at most `queueBytes` (64 kB) the client has not been given; beyond that the proxy stops
// reading from the server, so a thin or frozen link pushes back on the server the way TCP does.

import net from 'node:net';

import { sleep } from './host.mjs';

export const PROFILE_DEFAULTS = {
	clean: {},
	cut: { everyMs: 10000 },
	freeze: { everyMs: 10000, forMs: 2500 },
	jitter: { maxMs: 80 },
	thin: { bytesPerSecond: 12000, burstBytes: 4096 },
};
const QUEUE_BYTES = 64 * 1024;
// The smallest slice a thin link sends, so that a slow rate does not turn into a timer per few bytes.
const MIN_SLICE = 512;

export const PROFILES = Object.keys(PROFILE_DEFAULTS);

// One proxied connection: the client's socket, the server's, and what the server sent that the client has not
// been given yet.
class Link {
	queue = []; // {data: Buffer, due: ms}
	queued = 0;
	tokens = 0;
	refilled = 0;
	lastDue = 0;
	timer = null;
	waitingForDrain = false;
	serverEnded = false;
	closed = false;

	constructor(proxy, client, server) {
		this.proxy = proxy;
		this.client = client;
		this.server = server;
	}

	// The server sent `data`.
	take(data) {
		const now = performance.now();
		let due = now;
		const { name, options } = this.proxy.profile;
		if (name === 'jitter') {
			// A random wait, but never before the chunk ahead of it: TCP delivers in order.
			due = Math.max(now + Math.random() * options.maxMs, this.lastDue);
			this.proxy.counters.delayedChunks++;
		}
		this.lastDue = due;
		this.queue.push({ data, due });
		this.queued += data.length;
		this.proxy.counters.heldBytesMax = Math.max(this.proxy.counters.heldBytesMax, this.queued);
		if (this.queued >= this.proxy.queueBytes && !this.server.isPaused()) {
			this.server.pause();
		}
		this.pump();
	}

	// Gives the client what the profile lets through now, and sets a timer for the rest.
	pump() {
		if (this.closed) {
			return;
		}
		clearTimeout(this.timer);
		this.timer = null;
		const { name, options } = this.proxy.profile;
		while (this.queue.length && !this.waitingForDrain) {
			const now = performance.now();
			if (this.proxy.frozenUntil > now) {
				this.#wake(this.proxy.frozenUntil - now);
				return;
			}
			const head = this.queue[0];
			if (head.due > now) {
				this.#wake(head.due - now);
				return;
			}
			let data;
			if (name === 'thin') {
				const rate = options.bytesPerSecond / 1000;
				this.tokens = Math.min(options.burstBytes, this.tokens + (now - this.refilled) * rate);
				this.refilled = now;
				const wanted = Math.min(head.data.length, MIN_SLICE);
				if (this.tokens < wanted) {
					this.#wake((wanted - this.tokens) / rate);
					return;
				}
				const size = Math.min(head.data.length, Math.floor(this.tokens));
				this.tokens -= size;
				data = this.#shift(size);
			} else {
				// Everything that is due, in one write: after a freeze the held bytes arrive at once.
				const parts = [];
				while (this.queue.length && this.queue[0].due <= now) {
					parts.push(this.#shift(this.queue[0].data.length));
				}
				data = parts.length === 1 ? parts[0] : Buffer.concat(parts);
			}
			this.proxy.counters.bytesDown += data.length;
			if (!this.client.write(data)) {
				this.waitingForDrain = true;
				this.client.once('drain', () => {
					this.waitingForDrain = false;
					this.pump();
				});
			}
		}
		if (this.queued < this.proxy.queueBytes / 2 && this.server.isPaused()) {
			this.server.resume();
		}
		if (!this.queue.length && this.serverEnded && !this.client.writableEnded) {
			this.client.end();
		}
	}

	#shift(size) {
		const head = this.queue[0];
		let data = head.data;
		if (size < data.length) {
			head.data = data.subarray(size);
			data = data.subarray(0, size);
		} else {
			this.queue.shift();
		}
		this.queued -= data.length;
		return data;
	}

	#wake(ms) {
		this.timer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(ms)));
	}

	destroy() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		clearTimeout(this.timer);
		this.queue = [];
		this.queued = 0;
		this.client.destroy();
		this.server.destroy();
		this.proxy.links.delete(this);
		this.proxy.counters.open = this.proxy.links.size;
	}
}

export class ImpairProxy {
	links = new Set();
	frozenUntil = 0;
	counters = {
		connections: 0, // accepted so far
		open: 0,
		cuts: 0, // cut events (each closes every open connection)
		connectionsCut: 0,
		freezes: 0,
		delayedChunks: 0, // chunks given a random wait (jitter)
		bytesUp: 0, // client → server
		bytesDown: 0, // server → client, delivered
		heldBytesMax: 0, // the most bytes one connection held back at once
	};
	profile = { name: 'clean', options: {} };
	#server = null;
	#timers = new Set(); // the profile's clock and pending ends of freezes

	constructor({ targetPort, targetHost = '127.0.0.1', queueBytes = QUEUE_BYTES }) {
		this.targetPort = targetPort;
		this.targetHost = targetHost;
		this.queueBytes = queueBytes;
	}

	get url() {
		return `http://127.0.0.1:${this.port}/`;
	}

	async listen(port = 0) {
		this.#server = net.createServer((client) => this.#accept(client));
		await new Promise((resolve, reject) => {
			this.#server.once('error', reject);
			this.#server.listen(port, '127.0.0.1', resolve);
		});
		this.port = this.#server.address().port;
	}

	// Switches to `name` (one of PROFILES) with `options` over its defaults; the cut and freeze clocks start now.
	setProfile(name, options = {}) {
		if (!PROFILE_DEFAULTS[name]) {
			throw new Error(`unknown profile ${name}; one of ${PROFILES.join(', ')}`);
		}
		const merged = { ...PROFILE_DEFAULTS[name], ...options };
		if (name === 'freeze' && merged.forMs >= merged.everyMs) {
			throw new Error('freeze: forMs must be shorter than everyMs, or the link never thaws');
		}
		this.#stopTimers();
		this.profile = { name, options: merged };
		this.frozenUntil = 0;
		const { everyMs, forMs } = this.profile.options;
		if (name === 'cut') {
			this.#timers.add(setInterval(() => this.cut(), everyMs));
		} else if (name === 'freeze') {
			this.#timers.add(setInterval(() => this.freeze(forMs), everyMs));
		} else if (name === 'thin') {
			for (const link of this.links) {
				link.tokens = this.profile.options.burstBytes;
				link.refilled = performance.now();
			}
		}
		this.#pumpAll();
	}

	// Closes every proxied connection now (also what the cut profile does on its clock).
	cut() {
		this.counters.cuts++;
		for (const link of [...this.links]) {
			this.counters.connectionsCut++;
			link.destroy();
		}
	}

	// Holds everything the server sends for `ms`, then delivers it at once.
	freeze(ms) {
		this.counters.freezes++;
		this.frozenUntil = performance.now() + ms;
		// The links with nothing queued have no timer; one pump for all at the end of the freeze.
		const timer = setTimeout(() => {
			this.#timers.delete(timer);
			this.#pumpAll();
		}, ms + 1);
		this.#timers.add(timer);
	}

	#stopTimers() {
		for (const timer of this.#timers) {
			clearInterval(timer);
			clearTimeout(timer);
		}
		this.#timers.clear();
	}

	#pumpAll() {
		for (const link of this.links) {
			link.pump();
		}
	}

	#accept(client) {
		this.counters.connections++;
		client.setNoDelay(true);
		const server = net.connect({ port: this.targetPort, host: this.targetHost });
		server.setNoDelay(true);
		const link = new Link(this, client, server);
		link.tokens = this.profile.options.burstBytes ?? 0;
		link.refilled = performance.now();
		this.links.add(link);
		this.counters.open = this.links.size;

		// Client → server: untouched, with the server's own backpressure.
		client.on('data', (data) => {
			this.counters.bytesUp += data.length;
			if (!server.write(data)) {
				client.pause();
			}
		});
		server.on('drain', () => client.resume());
		client.on('end', () => server.end());

		// Server → client: through the profile.
		server.on('data', (data) => link.take(data));
		server.on('end', () => {
			link.serverEnded = true;
			link.pump();
		});
		// An error or a close on either side ends the whole connection, as it would end a direct one.
		for (const socket of [client, server]) {
			socket.on('error', () => link.destroy());
		}
		client.on('close', () => link.destroy());
		server.on('close', () => {
			// What the server sent before closing still goes to the client (a queued end follows).
			if (!link.queue.length) {
				link.destroy();
			}
		});
		client.on('finish', () => {
			if (link.serverEnded) {
				link.destroy();
			}
		});
	}

	async close() {
		this.#stopTimers();
		for (const link of [...this.links]) {
			link.destroy();
		}
		if (this.#server) {
			const closed = new Promise((resolve) => this.#server.close(resolve));
			await Promise.race([closed, sleep(3000)]);
			this.#server = null;
		}
	}
}

// A proxy on a free port of 127.0.0.1 that forwards to `targetPort`, starting with `profile`.
export async function startImpairProxy({
	targetPort,
	targetHost,
	port = 0,
	profile = 'clean',
	options = {},
	queueBytes,
}) {
	const proxy = new ImpairProxy({ targetPort, targetHost, queueBytes });
	await proxy.listen(port);
	proxy.setProfile(profile, options);
	return proxy;
}
