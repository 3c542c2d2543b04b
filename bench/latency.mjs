// The work of bench/latency (see there). Reuses the browser tests' host and PulseAudio helpers.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

import { LOW_DELAY_TARGET_MS } from '../data/web/latency.js';
import { CHROMIUM_ARGS } from '../tests/browser/lib/browsers.mjs';
import { freePort, Host, paths, sleep } from '../tests/browser/lib/host.mjs';
import { startPulse } from '../tests/browser/lib/pulse.mjs';

const require = createRequire(path.join(paths.repo, 'tests/browser/package.json'));
const { chromium } = require('playwright-core');

const SAMPLE_SECONDS = Number(process.env.SECONDS_SAMPLED || 60);
const SETTLE_SECONDS = Number(process.env.SETTLE_SECONDS || 5);
const SAMPLE_EVERY_MS = 250;
const query = new URLSearchParams();
if (process.env.ENGINE) {
	query.set('engine', process.env.ENGINE);
}
if (process.env.BUFFER_MS) {
	query.set('buffer', process.env.BUFFER_MS);
}

function percentile(sorted, p) {
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

const pulse = await startPulse();
const host = new Host({ port: await freePort(), title: 'Latency benchmark' });
let browser;
try {
	await host.start();
	browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: CHROMIUM_ARGS,
		env: { ...process.env, ...pulse.env },
	});
	const page = await browser.newPage();
	const url = `${host.url}${query.size ? `?${query}` : ''}`;
	await page.goto(url);
	await page.waitForFunction(() => window.sseAudio && !document.getElementById('toggle').disabled, null,
		{ timeout: 15000 });
	// A first Play opens the audio device (a second or two on a fresh browser); the figure that matters to a
	// listener is a Play on a page whose browser already has it, so both are measured.
	await page.click('#toggle');
	await page.waitForFunction(() => window.sseAudio.stats.firstSoundMs !== null, null, { timeout: 20000 });
	const coldFirstSound = (await page.evaluate(() => window.sseAudio.stats)).firstSoundMs;
	await page.click('#toggle'); // pause
	await sleep(500);
	await page.click('#toggle'); // play again
	await page.waitForFunction(() => window.sseAudio.stats.firstSoundMs !== null, null, { timeout: 20000 });
	await sleep(SETTLE_SECONDS * 1000);
	const before = await page.evaluate(() => window.sseAudio.stats);
	const delays = [];
	const buffers = [];
	const started = Date.now();
	for (let i = 0; i < 100000 && Date.now() - started < SAMPLE_SECONDS * 1000; i++) {
		await sleep(SAMPLE_EVERY_MS);
		const s = await page.evaluate(() => window.sseAudio.stats);
		if (s.latencyMs !== null) {
			delays.push(s.latencyMs);
			buffers.push(s.bufferedMs);
		}
	}
	const after = await page.evaluate(() => window.sseAudio.stats);
	const status = await (await fetch(`${host.url}status.json`)).json();
	delays.sort((a, b) => a - b);
	buffers.sort((a, b) => a - b);
	const figures = {
		samples: delays.length,
		medianMs: percentile(delays, 0.5),
		p95Ms: percentile(delays, 0.95),
		maxMs: delays[delays.length - 1],
		minMs: delays[0],
		bufferMedianMs: percentile(buffers, 0.5),
		firstSoundMs: after.firstSoundMs,
		coldFirstSoundMs: coldFirstSound,
		underruns: after.underruns - before.underruns,
		underrunsTotal: after.underruns,
		jumps: after.jumps - before.jumps,
		path: after.path,
		targetBufferMs: after.targetBufferMs,
		outputLatencyMs: after.outputLatencyMs,
		publishDelayP50Ms: status.timing.publish_delay_ms.p50,
		sendDelayP50Ms: status.timing.send_delay_ms.p50,
	};
	if (!figures.samples) {
		throw new Error(`no delay figures: ${JSON.stringify(after)}`);
	}
	const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
	const chromiumVersion = browser.version();
	const lines = [
		`delay median ${figures.medianMs} ms, p95 ${figures.p95Ms} ms, max ${figures.maxMs} ms (min ${figures.minMs} ms, ${figures.samples} samples over ${SAMPLE_SECONDS} s)`,
		`Play to first sound ${figures.firstSoundMs} ms (first Play in a fresh browser, opening the audio device: ${figures.coldFirstSoundMs} ms)`,
		`underruns ${figures.underruns} while sampled (${figures.underrunsTotal} since Play), jumps to live ${figures.jumps}`,
		`path ${figures.path}, target buffer ${figures.targetBufferMs} ms (median ${figures.bufferMedianMs} ms), output latency ${figures.outputLatencyMs} ms, server publish delay p50 ${figures.publishDelayP50Ms} ms`,
	];
	for (const line of lines) {
		console.log(line);
	}
	const markdown = `# Player latency (bench/latency)

Measured ${when} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), loopback, Chromium ${chromiumVersion}
headless with a PulseAudio null sink, obs-sse-audio-host playing a 440 Hz tone at 48 kHz, 128 kbps.
Page: \`${url.replace(/:\d+\//, ':PORT/')}\`. The delay is the page's own figure (\`window.sseAudio.stats.latencyMs\`):
the server's clock now minus the capture time of the sample being played, plus the audio output's latency.

| figure | value |
| --- | --- |
| delay, median | ${figures.medianMs} ms |
| delay, p95 | ${figures.p95Ms} ms |
| delay, max | ${figures.maxMs} ms |
| Play to first sound | ${figures.firstSoundMs} ms (${figures.coldFirstSoundMs} ms for the first Play in a fresh browser) |
| underruns while sampled (${SAMPLE_SECONDS} s) | ${figures.underruns} |
| jumps to the live edge while sampled | ${figures.jumps} |
| playback path | ${figures.path} |
| target buffer / median buffer | ${figures.targetBufferMs} ms / ${figures.bufferMedianMs} ms |
| output latency (AudioContext base + output) | ${figures.outputLatencyMs} ms |
| server: capture to publish, p50 (MP3 frame + LAME look-ahead) | ${figures.publishDelayP50Ms} ms |
| server: capture to socket write, p50 | ${figures.sendDelayP50Ms} ms |

Where the delay goes: about ${figures.publishDelayP50Ms} ms in the encoder (an MP3 frame is 24 ms of sound and LAME
looks ahead), the buffer held ahead of the play head (target ${figures.targetBufferMs} ms at the end; without
\`?buffer=MS\` on the page address the target adapts: ${LOW_DELAY_TARGET_MS} ms floor on the WebCodecs path, more after late
audio or an underrun, back down after quiet spells), and ${figures.outputLatencyMs} ms in the audio output.
`;
	fs.mkdirSync(path.join(paths.repo, 'bench/results'), { recursive: true });
	fs.writeFileSync(path.join(paths.repo, 'bench/results/latency.md'), markdown);
	console.log('written: bench/results/latency.md');
} finally {
	await browser?.close();
	await host.stop();
	await pulse.stop();
}
