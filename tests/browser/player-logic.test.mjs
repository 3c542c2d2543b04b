// The player's decisions that need no browser: whether an MP3 frame codes sound (real LAME frames from ffmpeg), how
// the rate control plays off a backlog and takes back what a freeze added to its buffer, how decodeAudioData batches
// are primed and cut, when a path counts as giving no sound, and when a link counts as too slow. What a listener
// hears of them is checked in the browser suites. Also which channel the page asks for (channels.js). Run by CTest (label `player`) or by hand: `node --test player-logic.test.mjs`.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { chooseChannel, parseChannels, withChannel } from '../../data/web/channels.js';
import { CATCH_UP_FROM_MS, MAX_CATCH_UP_RATE, MAX_RATE_CHANGE, RateController } from '../../data/web/latency.js';
import { LinkWatch } from '../../data/web/link-watch.js';
import { frameCarriesSound, readFrameHeader, splitFrames } from '../../data/web/mp3-frames.js';
import { NO_SOUND_LIMIT_MS, SoundWatch } from '../../data/web/sound-watch.js';
import { endpointsFor, SseTransport } from '../../data/web/transport.js';
import { WebAudioDecoder } from '../../data/web/webaudio-decoder.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sse-audio-logic-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

// Frames LAME makes of `source` (an ffmpeg lavfi source), bit reservoir off as the plugin encodes.
function encode(name, source, { rate = 48000, channels = 2, kbps = 128 } = {}) {
	const file = path.join(work, `${name}.mp3`);
	execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', source,
		'-t', '1', '-ar', String(rate), '-ac', String(channels), '-c:a', 'libmp3lame', '-b:a', `${kbps}k`,
		'-reservoir', '0', '-write_xing', '0', '-id3v2_version', '0', file]);
	const bytes = new Uint8Array(fs.readFileSync(file));
	const { frames } = splitFrames(bytes);
	return frames.map(({ offset }) => frameCarriesSound(bytes, offset, readFrameHeader(bytes, offset)));
}

test('frames of digital silence code no sound; a quiet tone does, in every layout the plugin sends', () => {
	for (const layout of [{}, { channels: 1 }, { rate: 44100 }, { rate: 24000, kbps: 32 }, { rate: 24000, channels: 1, kbps: 32 }]) {
		const silent = encode('silence', 'anullsrc=channel_layout=stereo:sample_rate=48000', layout);
		const quiet = encode('quiet', 'sine=frequency=440:sample_rate=48000,volume=-80dB', layout);
		assert.ok(silent.length > 10 && quiet.length > 10, JSON.stringify(layout));
		assert.ok(silent.every((audible) => !audible), `silence: ${silent} (${JSON.stringify(layout)})`);
		// LAME's first frame holds its look-ahead (still silent); every later one holds the tone.
		assert.ok(quiet.slice(2).every((audible) => audible), `-80 dB tone: ${quiet} (${JSON.stringify(layout)})`);
	}
});

// Runs `controller` on a buffer that empties in real time at its rate and is refilled by `arrive(ms)` every
// update of 100 ms; returns the buffer over time and the rates.
function simulate(controller, startMs, updates, arriveMs = () => 100) {
	let buffered = startMs;
	const rates = [];
	const buffers = [];
	for (let i = 0; i < updates; i++) {
		const { rate, jump } = controller.update(buffered);
		assert.equal(jump, false, `no jump at update ${i} (${buffered} ms buffered)`);
		rates.push(rate);
		buffered = Math.max(0, buffered + arriveMs(i) - 100 * rate);
		buffers.push(buffered);
	}
	return { rates, buffers };
}

test('a second of resumed audio is played off faster (at most 1.3x), back at the target within ~10 s, not dropped', () => {
	const controller = new RateController(60, { adaptive: true });
	const { rates, buffers } = simulate(controller, 1060, 120);
	assert.ok(Math.max(...rates) <= MAX_CATCH_UP_RATE + 1e-9, `rates ${Math.max(...rates)}`);
	assert.ok(Math.max(...rates) > 1 + MAX_RATE_CHANGE, 'faster than the drift control while catching up');
	const back = buffers.findIndex((ms) => ms < 60 + CATCH_UP_FROM_MS);
	assert.ok(back > 0 && back <= 80, `within ${CATCH_UP_FROM_MS} ms of the target after ${back / 10} s`);
	assert.ok(Math.min(...buffers) > 20, `never ran dry while catching up (low ${Math.min(...buffers)} ms)`);
	assert.ok(Math.abs(rates[rates.length - 1] - 1) <= MAX_RATE_CHANGE, `holding again: ${rates[rates.length - 1]}`);
});

test('a backlog larger than a catch-up can take (a tab that slept) is dropped with a jump', () => {
	const controller = new RateController(60, { adaptive: true });
	assert.equal(controller.update(5000).jump, true);
});

test('holding the buffer stays within the drift band: a small excess never speeds up beyond 5 %', () => {
	const controller = new RateController(150, { adaptive: false });
	const { rates } = simulate(controller, 150 + CATCH_UP_FROM_MS - 10, 100);
	assert.ok(Math.max(...rates) <= 1 + MAX_RATE_CHANGE + 1e-9, `rates up to ${Math.max(...rates)}`);
});

test('raises made during a network freeze are taken back; those for late data stay', () => {
	const controller = new RateController(60, { adaptive: true });
	controller.onUnderrun(); // late data: stays
	assert.equal(controller.targetMs, 100);
	const freezeBegan = performance.now();
	controller.onUnderrun(); // cooldown does not stop an underrun's raise
	assert.equal(controller.targetMs, 140);
	assert.equal(controller.forgiveSince(freezeBegan), true);
	assert.equal(controller.targetMs, 100);
	assert.equal(controller.forgiveSince(freezeBegan), false, 'nothing left to take back');
});

// A fake engine clock and analyser for SoundWatch, stepped by hand.
function watched({ routed = true } = {}) {
	const state = { time: 0, level: -Infinity };
	const watch = new SoundWatch({ clock: () => state.time, level: routed ? () => state.level : () => null });
	return { state, watch };
}

test('a path whose output stays silent while audible audio arrives fails after 2 s, not before', () => {
	const { state, watch } = watched();
	let now = 1000;
	const verdicts = [];
	for (let i = 0; i < 12; i++, now += 250) {
		watch.onPush(true, now);
		state.time += 0.25; // the clock runs, but nothing reaches the analyser
		verdicts.push(watch.check(now));
	}
	const failedAt = verdicts.indexOf('failed');
	assert.ok(failedAt * 250 >= NO_SOUND_LIMIT_MS && failedAt * 250 <= NO_SOUND_LIMIT_MS + 250, `${verdicts}`);
	assert.equal(watch.moving, true);
});

test('a path that decodes nothing (its clock stands) fails; silence in the stream or no data does not', () => {
	const standing = watched();
	let now = 0;
	let verdict;
	for (let i = 0; i < 10; i++, now += 250) {
		standing.watch.onPush(true, now);
		verdict = standing.watch.check(now);
	}
	assert.equal(verdict, 'failed');
	assert.equal(standing.watch.moving, false);

	const silentStream = watched();
	now = 0;
	for (let i = 0; i < 40; i++, now += 250) {
		silentStream.watch.onPush(false, now); // OBS sends silence: nothing to hear, the analyser is right
		silentStream.state.time += 0.25;
		verdict = silentStream.watch.check(now);
	}
	assert.equal(verdict, 'sounding');

	const noData = watched();
	now = 0;
	for (let i = 0; i < 40; i++, now += 250) {
		verdict = noData.watch.check(now); // a frozen network: nothing arrives, nothing plays
	}
	assert.equal(verdict, 'quiet');
	assert.equal(noData.watch.sounding, false, 'not sounding, so the page does not read Live');
});

test('sound through the analyser, or a moving clock where the page has no analyser, is sounding', () => {
	const routed = watched();
	const unrouted = watched({ routed: false });
	let now = 0;
	for (let i = 0; i < 4; i++, now += 250) {
		for (const { state, watch } of [routed, unrouted]) {
			watch.onPush(true, now);
			state.time += 0.25;
			state.level = -20;
			watch.check(now);
		}
	}
	assert.equal(routed.watch.sounding, true);
	assert.equal(unrouted.watch.sounding, true);

	// WebKitGTK's Media Source has stopped updating currentTime while it played on: the analyser decides.
	const stuckClock = watched();
	let verdict;
	for (let i = 0; i < 12; i++, now += 250) {
		stuckClock.watch.onPush(true, now);
		stuckClock.state.level = -20;
		verdict = stuckClock.watch.check(now);
	}
	assert.equal(verdict, 'sounding');
});

// A stand-in for an AudioContext's decodeAudioData: each MP3 frame of the file decodes to 1152 samples holding
// that frame's number in the stream (frames are told apart by their bytes), after `delayMs`.
function numberingContext(streamFrames, delayMs) {
	const numbers = new Map(streamFrames.map((frame, i) => [Buffer.from(frame).toString('base64'), i]));
	const files = [];
	return {
		files,
		decodeAudioData: (buffer) => new Promise((resolve) => {
			const bytes = new Uint8Array(buffer);
			const found = splitFrames(bytes).frames.map(({ offset, length }) =>
				numbers.get(Buffer.from(bytes.subarray(offset, offset + length)).toString('base64')));
			files.push(found);
			const planes = [0, 1].map(() => Float32Array.from({ length: found.length * 1152 }, (_, s) => found[Math.floor(s / 1152)]));
			setTimeout(() => resolve({ length: planes[0].length, sampleRate: 48000, numberOfChannels: 2,
				getChannelData: (ch) => planes[ch] }), delayMs);
		}),
	};
}

test('decodeAudioData in batches: each primed with the 4 frames before it, only its own samples played, in order', async () => {
	const file = path.join(work, 'batches.mp3');
	execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i',
		'sine=frequency=440:sample_rate=48000,aeval=val(0)*(1+t)/3', '-t', '1', '-ac', '2', '-c:a', 'libmp3lame',
		'-b:a', '128k', '-write_xing', '0', '-id3v2_version', '0', file]);
	const bytes = new Uint8Array(fs.readFileSync(file));
	const frames = splitFrames(bytes).frames.map(({ offset, length }) => bytes.slice(offset, offset + length));
	assert.equal(new Set(frames.map((frame) => Buffer.from(frame).toString('base64'))).size, frames.length);
	const context = numberingContext(frames, 3);
	const played = [];
	const decoder = new WebAudioDecoder({ context, onDecoded: (pcm) => played.push(pcm), onError: assert.fail });
	for (let i = 0; i < frames.length; i++) {
		decoder.decode(frames[i], 1000 + i * 24); // one frame an event, as the plugin sends at 48 kHz
		await new Promise((resolve) => setTimeout(resolve, i % 5 === 0 ? 4 : 0));
	}
	for (let i = 0; i < 100 && played.flatMap((pcm) => [...pcm.channels[0]]).length < (frames.length - 1) * 1152; i++) {
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	const heard = played.flatMap((pcm) => [...pcm.channels[0]]);
	const kept = Math.floor(heard.length / 1152);
	assert.ok(kept >= frames.length - 1, `${kept} of ${frames.length} frames played (the last may wait for a batch)`);
	assert.deepEqual(Array.from({ length: kept }, (_, i) => heard[i * 1152]), Array.from({ length: kept }, (_, i) => i),
		'every frame once, in order');
	assert.ok(played.length > 3 && played.length < frames.length, `${played.length} batches`);
	for (const [i, found] of context.files.entries()) {
		const first = (played[i].captureMs - 1000) / 24; // the batch's own first frame
		const primer = Math.min(4, first);
		assert.deepEqual(found, Array.from({ length: found.length }, (_, k) => first - primer + k),
			`file ${i}: the ${primer} frames before frame ${first}, then the batch`);
		assert.equal(played[i].channels[0].length, (found.length - primer) * 1152, `batch ${i}: only its own samples`);
	}
});

test('a thin link is reported after 3 s of arriving more than 0.8 s late; a 2.5 s freeze is not', () => {
	const link = new LinkWatch();
	let now = 0;
	let capture = 0;
	// 75 % of real time arrives: the lag grows by 250 ms a second
	let slowAt = null;
	for (let i = 0; i < 200 && slowAt === null; i++, now += 100) {
		capture += 75;
		link.onAudio(capture + 50);
		if (link.check(now, now)) {
			slowAt = now;
		}
	}
	assert.ok(slowAt !== null && slowAt < 8000, `reported after ${slowAt} ms`);

	const frozen = new LinkWatch();
	now = 0;
	for (let i = 0; i < 100; i++, now += 100) {
		const freezing = i >= 30 && i < 55; // no data for 2.5 s, then all of it
		if (!freezing) {
			frozen.onAudio(now - 50);
		}
		assert.equal(frozen.check(now, now), false, `not slow at ${now} ms`);
	}
});

test('channels: the list as the server gives it, the choice (address, then remembered, then first), the addresses', () => {
	const channels = parseChannels({ channels: [
		{ id: 'floor', name: 'Floor', listeners: 0 },
		{ id: 'en', name: 'English', listeners: 1 },
		{ id: 'bad id', name: 'Broken' },
		{ id: 'en', name: 'Twice' },
		{ id: 'fr', name: '' },
	] });
	assert.deepEqual(channels, [{ id: 'floor', name: 'Floor' }, { id: 'en', name: 'English' }, { id: 'fr', name: 'fr' }]);
	assert.deepEqual(parseChannels(null), []);
	assert.deepEqual(parseChannels({ channels: 'no' }), []);
	assert.equal(chooseChannel(channels, null, ''), 'floor');
	assert.equal(chooseChannel(channels, null, 'en'), 'en');
	assert.equal(chooseChannel(channels, 'fr', 'en'), 'fr', 'the address wins over what is remembered');
	assert.equal(chooseChannel(channels, 'gone', 'en'), 'en', 'an id the server lacks is passed over');
	assert.equal(chooseChannel(channels, null, 'gone'), 'floor');
	// One channel (or none: an older plugin, a relay): no choice, and no channel asked for.
	assert.equal(chooseChannel(channels.slice(0, 1), 'floor', 'en'), null);
	assert.equal(chooseChannel([], 'en', 'en'), null);
	const endpoints = endpointsFor('http://h:8/sub/?key=k&channel=en');
	assert.equal(endpoints.channels, 'http://h:8/sub/channels.json?key=k');
	assert.equal(withChannel(endpoints.stream, 'en'), 'http://h:8/sub/stream?key=k&channel=en');
	assert.equal(withChannel(endpoints.mp3, null), 'http://h:8/sub/stream.mp3?key=k');
	// The floor's engine holds the target it is given (floor.js), and no adaptive step moves it.
	const controller = new RateController(60, { adaptive: false });
	controller.retarget(180);
	assert.equal(controller.targetMs, 180);
	assert.equal(controller.onUnderrun(), false);
	assert.equal(controller.targetMs, 180);
});

// A stand-in for the browser's EventSource: records each connection the transport opens.
class FakeEventSource {
	static CONNECTING = 0;
	static OPEN = 1;
	static CLOSED = 2;
	static opened = [];
	readyState = FakeEventSource.CONNECTING;
	constructor(url) {
		this.url = url;
		FakeEventSource.opened.push(this);
	}
	addEventListener() {}
	close() {
		this.readyState = FakeEventSource.CLOSED;
	}
}

test('a connection waiting out its backoff opens at once when the server is known to be up (retryNow), and only then', () => {
	const saved = globalThis.EventSource;
	globalThis.EventSource = FakeEventSource;
	FakeEventSource.opened = [];
	const handlers = { onAudio() {}, onTiming() {}, onState() {}, onReconnect() {}, onStopped() {} };
	const transport = new SseTransport('http://127.0.0.1:1/stream', handlers);
	try {
		transport.start();
		assert.equal(FakeEventSource.opened.length, 1);
		transport.retryNow();
		assert.equal(FakeEventSource.opened.length, 1, 'an open connection is left alone');
		// The server refused (a relay before the stream's first message): EventSource gave up, the page backs off.
		const first = FakeEventSource.opened[0];
		first.readyState = FakeEventSource.CLOSED;
		first.onerror();
		assert.equal(FakeEventSource.opened.length, 1, 'the backoff waits');
		transport.retryNow();
		assert.equal(FakeEventSource.opened.length, 2, 'retryNow opens the next connection at once');
		transport.retryNow();
		assert.equal(FakeEventSource.opened.length, 2, 'and not twice');
		transport.stop();
		transport.retryNow();
		assert.equal(FakeEventSource.opened.length, 2, 'a stopped transport stays stopped');
	} finally {
		transport.stop();
		globalThis.EventSource = saved;
	}
});
