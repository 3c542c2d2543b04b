// An ear on the private PulseAudio server's null sink (lib/pulse.mjs): records what the browser plays, through the
// sink's monitor, and tells what a listener heard, independent of the page's own figures: how much of the time
// there was sound, the silences, and when each mark of the host's tone (`--tone-marks`: 100 ms at twice the
// tone's frequency) was heard, on the wall clock the host's MARK lines and the stream's timing events use.
//
//   const ear = await startEar(pulse.env);
//   ear.heard({ fromMs, toMs })  → { heardShare, gaps: [{ atMs, ms }], longestGapMs, seconds }
//   ear.marks({ fromMs, toMs })  → [wall-clock ms of each mark's onset]
//   ear.tones({ fromMs, toMs, candidates: [440, 660], first: 660 }) → which of these pure tones was heard, and when
//     `first` was first heard
//   heardDelays(host.marks, ear.marks(...)) → [ms from each mark entering the output to its being heard]
//   await ear.stop();
//
// Timing. parec hands over the monitor's samples in small pieces (--latency-msec=10). A piece's last sample was
// played no later than the moment the piece arrived here; the arrival minus the samples recorded so far gives
// when sample 0 was played, late by however long the piece took to come (scheduling, pipe, event loop). The
// smallest such figure over all pieces is the least delayed, so sample i is taken to have sounded at that origin
// + i / rate. What remains is the null sink's own pace: it renders ahead of its clock by up to its latency (set
// by the lowest latency its clients ask for: parec asks for 10 ms), and hands what it rendered to the monitor at
// once. So a sample is seen here up to about 10 ms before the sink's clock says it is played, and the figures are
// exact to about ±10 ms (the spread of the pieces' delays is in clock()). The origin assumes no samples are lost:
// parec's buffer holds far more than the event loop could fall behind.

import { spawn } from 'node:child_process';

import { sleep } from './host.mjs';

const RATE = 48000;
const LEVEL_WINDOW = RATE / 100; // 10 ms: the windows heardShare counts
const GAP_WINDOW = RATE / 400; // 2.5 ms: silences are measured in these
const MIN_GAP_MS = 30;
const MARK_WINDOW = RATE / 100; // 10 ms: one Goertzel analysis
const MARK_HOP = RATE / 400; // 2.5 ms between analyses
const TONE_WINDOW = RATE / 50; // 20 ms: one analysis of which tone sounds (tones())
const TONE_HOP = RATE / 200; // 5 ms between them
const TONE_RUN = 6; // windows in a row: a tone's first run, not a click's spectrum
const STEADY_MS = 40; // tone before and mark after an onset, so that a gap or a click is no mark
const now = () => performance.timeOrigin + performance.now();

// Amplitude of `hz` in samples[from, from + length) of an Int16Array, Hann-windowed (Goertzel).
function amplitudeAt(samples, from, length, hz) {
	const coefficient = 2 * Math.cos((2 * Math.PI * hz) / RATE);
	let s1 = 0;
	let s2 = 0;
	for (let i = 0; i < length; i++) {
		const window = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (length - 1));
		const s0 = samples[from + i] * window + coefficient * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	return Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - coefficient * s1 * s2));
}

function rmsDb(samples, from, length) {
	let sum = 0;
	for (let i = from; i < from + length; i++) {
		sum += samples[i] * samples[i];
	}
	const rms = Math.sqrt(sum / length) / 32768;
	return rms > 0 ? 20 * Math.log10(rms) : -Infinity;
}

class Ear {
	#child;
	#ring; // the last keepSeconds of samples, by sample index % length
	#recorded = 0; // samples received so far
	#odd = null; // a byte of a sample split between two pieces
	#origin = Infinity; // wall-clock ms at which sample 0 sounded (the least delayed estimate)
	#lags = []; // recent pieces' delays over the origin, for clock()
	#exited;
	#stderr = '';

	constructor(child, { keepSeconds, toneHz, thresholdDb }) {
		this.#child = child;
		this.#ring = new Int16Array(keepSeconds * RATE);
		this.toneHz = toneHz;
		this.thresholdDb = thresholdDb;
		this.#exited = new Promise((resolve) => child.once('exit', resolve));
		child.stdout.on('data', (data) => this.#take(data, now()));
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (text) => {
			this.#stderr = (this.#stderr + text).slice(-2000);
		});
	}

	#take(data, arrived) {
		let bytes = data;
		if (this.#odd !== null) {
			bytes = Buffer.concat([Buffer.from([this.#odd]), data]);
			this.#odd = null;
		}
		if (bytes.length % 2) {
			this.#odd = bytes[bytes.length - 1];
			bytes = bytes.subarray(0, bytes.length - 1);
		}
		const count = bytes.length / 2;
		for (let i = 0; i < count; i++) {
			this.#ring[(this.#recorded + i) % this.#ring.length] = bytes.readInt16LE(2 * i);
		}
		this.#recorded += count;
		const origin = arrived - (this.#recorded * 1000) / RATE;
		this.#origin = Math.min(this.#origin, origin);
		this.#lags.push(origin);
		if (this.#lags.length > 500) {
			this.#lags.shift();
		}
	}

	get stderr() {
		return this.#stderr;
	}

	// Samples received so far, and how the recent pieces' delays spread over the origin (ms): median and largest.
	clock() {
		const lags = this.#lags.map((origin) => origin - this.#origin).sort((a, b) => a - b);
		return {
			samples: this.#recorded,
			originMs: this.#origin,
			lagMedianMs: lags.length ? lags[Math.floor(lags.length / 2)] : null,
			lagMaxMs: lags.length ? lags[lags.length - 1] : null,
		};
	}

	// The samples [from, to) of what is still kept, as a plain Int16Array, and the wall-clock ms of the first.
	#slice(fromMs, toMs) {
		if (this.#recorded === 0) {
			return { samples: new Int16Array(0), startMs: 0 };
		}
		const oldest = Math.max(0, this.#recorded - this.#ring.length);
		const first = Math.max(oldest, Math.ceil(((fromMs ?? -Infinity) - this.#origin) * RATE / 1000));
		const end = Math.min(this.#recorded, Math.floor(((toMs ?? Infinity) - this.#origin) * RATE / 1000));
		const length = Math.max(0, end - first);
		const samples = new Int16Array(length);
		for (let i = 0; i < length; i++) {
			samples[i] = this.#ring[(first + i) % this.#ring.length];
		}
		return { samples, startMs: this.#origin + (first * 1000) / RATE };
	}

	// What was heard between two wall-clock times (default: all that is kept): the share of 10 ms windows louder
	// than the threshold, and the silences of 30 ms or more (measured in 2.5 ms windows: a silence is its run of
	// quiet windows, up to 5 ms shorter than it was).
	heard({ fromMs, toMs } = {}) {
		const { samples, startMs } = this.#slice(fromMs, toMs);
		let loud = 0;
		let windows = 0;
		for (let at = 0; at + LEVEL_WINDOW <= samples.length; at += LEVEL_WINDOW) {
			windows++;
			loud += rmsDb(samples, at, LEVEL_WINDOW) > this.thresholdDb ? 1 : 0;
		}
		const gaps = [];
		let quietFrom = null;
		const close = (at) => {
			const ms = ((at - quietFrom) * 1000) / RATE;
			if (ms >= MIN_GAP_MS) {
				gaps.push({ atMs: Math.round(startMs + (quietFrom * 1000) / RATE), ms: Math.round(ms) });
			}
			quietFrom = null;
		};
		let at = 0;
		for (; at + GAP_WINDOW <= samples.length; at += GAP_WINDOW) {
			const quiet = rmsDb(samples, at, GAP_WINDOW) <= this.thresholdDb;
			if (quiet && quietFrom === null) {
				quietFrom = at;
			} else if (!quiet && quietFrom !== null) {
				close(at);
			}
		}
		if (quietFrom !== null) {
			close(at);
		}
		return {
			seconds: samples.length / RATE,
			heardShare: windows ? loud / windows : 0,
			gaps,
			longestGapMs: gaps.reduce((longest, gap) => Math.max(longest, gap.ms), 0),
		};
	}

	// Wall-clock ms of each mark heard between two times: where a 10 ms window's centre passes from the tone to
	// twice the tone (the two amplitudes are equal when the change sits mid-window), between 40 ms of tone before and
	// 40 ms of mark after, both loud. Analyses every 2.5 ms, the crossing interpolated between them: an onset is
	// placed within a couple of ms (plus the clock's ±10 ms).
	marks({ fromMs, toMs } = {}) {
		const { samples, startMs } = this.#slice(fromMs, toMs);
		const hops = [];
		for (let at = 0; at + MARK_WINDOW <= samples.length; at += MARK_HOP) {
			const tone = amplitudeAt(samples, at, MARK_WINDOW, this.toneHz);
			const mark = amplitudeAt(samples, at, MARK_WINDOW, 2 * this.toneHz);
			hops.push({
				share: mark / (tone + mark + 1e-9),
				loud: rmsDb(samples, at, MARK_WINDOW) > this.thresholdDb,
			});
		}
		const steady = Math.round((STEADY_MS * RATE) / 1000 / MARK_HOP);
		const holds = (from, to, isMark) => {
			for (let i = from; i < to; i++) {
				if (!hops[i].loud || hops[i].share >= 0.5 !== isMark) {
					return false;
				}
			}
			return true;
		};
		const onsets = [];
		for (let i = steady; i + steady <= hops.length; i++) {
			if (hops[i - 1].share < 0.5 && hops[i].share >= 0.5 && holds(i - steady, i, false) && holds(i, i + steady, true)) {
				const before = hops[i - 1].share;
				const fraction = (0.5 - before) / (hops[i].share - before);
				const frame = (i - 1 + fraction) * MARK_HOP + MARK_WINDOW / 2;
				onsets.push(startMs + (frame * 1000) / RATE);
			}
		}
		return onsets;
	}

	// Which of the pure tones `candidates` (Hz) was heard between two times, in 20 ms windows every 5 ms (Goertzel,
	// 50 Hz resolution: tones a few hundred Hz apart stay apart). For each candidate: the share of loud windows
	// where it was the strongest, and its mean amplitude over the loud windows relative to the strongest
	// candidate's (dB, 0 for that one). `firstMs`: the wall-clock ms of the start of the first six windows in a
	// row (30 ms of hops) in which `first` (one of the candidates) was the strongest, or null.
	tones({ fromMs, toMs, candidates, first = null }) {
		const { samples, startMs } = this.#slice(fromMs, toMs);
		const sums = candidates.map(() => 0);
		const wins = candidates.map(() => 0);
		let loud = 0;
		let run = 0;
		let firstMs = null;
		for (let at = 0; at + TONE_WINDOW <= samples.length; at += TONE_HOP) {
			if (rmsDb(samples, at, TONE_WINDOW) <= this.thresholdDb) {
				run = 0;
				continue;
			}
			loud++;
			const amplitudes = candidates.map((hz) => amplitudeAt(samples, at, TONE_WINDOW, hz));
			const strongest = amplitudes.indexOf(Math.max(...amplitudes));
			wins[strongest]++;
			amplitudes.forEach((amplitude, i) => {
				sums[i] += amplitude;
			});
			run = candidates[strongest] === first ? run + 1 : 0;
			if (firstMs === null && run === TONE_RUN) {
				firstMs = startMs + ((at - (TONE_RUN - 1) * TONE_HOP) * 1000) / RATE;
			}
		}
		const top = Math.max(...sums);
		return {
			loudWindows: loud,
			firstMs,
			tones: Object.fromEntries(candidates.map((hz, i) => [hz, {
				share: loud ? Number((wins[i] / loud).toFixed(3)) : 0,
				relativeDb: top > 0 && sums[i] > 0 ? Number((20 * Math.log10(sums[i] / top)).toFixed(1)) : -Infinity,
			}])),
		};
	}

	// Ends parec (by its process id) and waits for it, bounded.
	async stop() {
		if (this.#child.exitCode === null && this.#child.signalCode === null) {
			this.#child.kill('SIGTERM');
			const exited = await Promise.race([this.#exited.then(() => true), sleep(3000).then(() => false)]);
			if (!exited) {
				this.#child.kill('SIGKILL');
				await Promise.race([this.#exited, sleep(2000)]);
			}
		}
	}
}

// Starts recording the null sink's monitor of the PulseAudio server in `env` (pulse.env). Resolves once samples
// flow; throws (with parec's words) when none came within `startTimeoutMs`.
export async function startEar(env, {
	device = 'null.monitor',
	toneHz = 440,
	keepSeconds = 120,
	thresholdDb = -45,
	startTimeoutMs = 5000,
} = {}) {
	const child = spawn(
		'parec',
		[`--device=${device}`, '--format=s16le', `--rate=${RATE}`, '--channels=1', '--latency-msec=10', '--raw',
			'--client-name=sse-audio-ear'],
		{ env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }
	);
	const ear = new Ear(child, { keepSeconds, toneHz, thresholdDb });
	const failed = new Promise((resolve) => child.once('error', resolve));
	const deadline = Date.now() + startTimeoutMs;
	while (ear.clock().samples < RATE / 10 && Date.now() < deadline && child.exitCode === null) {
		const error = await Promise.race([failed, sleep(50).then(() => null)]);
		if (error) {
			throw new Error(`parec did not start: ${error.message}`);
		}
	}
	if (ear.clock().samples < RATE / 10) {
		await ear.stop();
		throw new Error(`parec recorded nothing from ${device} within ${startTimeoutMs} ms: ${ear.stderr}`);
	}
	return ear;
}

// Pairs the host's marks (capture times from its MARK lines) with the onsets the ear heard: each host mark with the
// first onset heard after it, within `withinMs`. An onset that is the first after several host marks belongs to
// the latest of them (the earlier marks were not heard: lost in a gap, or played while the ear was not listening).
// Pairing by time needs the delay to stay under the interval between marks. Returns {captureMs, heardMs, delayMs}
// for each paired mark, oldest first; heardDelays returns the delays alone.
export function pairMarks(hostMarks, earMarks, { withinMs = 5000 } = {}) {
	const heard = [...earMarks].sort((a, b) => a - b);
	const claims = new Map(); // onset index → the latest host mark that found it first
	for (const captureMs of [...hostMarks].sort((a, b) => a - b)) {
		const index = heard.findIndex((ms) => ms >= captureMs);
		if (index >= 0 && heard[index] - captureMs <= withinMs) {
			claims.set(index, captureMs);
		}
	}
	return [...claims.entries()]
		.map(([index, captureMs]) => ({ captureMs, heardMs: heard[index], delayMs: heard[index] - captureMs }))
		.sort((a, b) => a.captureMs - b.captureMs);
}

export function heardDelays(hostMarks, earMarks, options) {
	return pairMarks(hostMarks, earMarks, options).map((pair) => Math.round(pair.delayMs));
}
