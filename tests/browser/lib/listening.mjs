// What a listener notices when the network between them and the server goes bad, measured the same way in every
// browser suite and in bench/latency: the page plays through the impairing proxy (lib/impair-proxy.mjs), the ear
// (lib/ear.mjs) hears the PulseAudio sink, and the host marks its tone (`--tone-marks`) so that the delay from OBS to
// the ear is known without trusting the page. For one profile: the delay heard before (clean), during and after,
// the share of time with sound and the silences while impaired, and what the page said meanwhile (its state, its
// own delay figure, its underruns and stalls, its notices).

import { heardDelays, pairMarks } from './ear.mjs';
import { sleep } from './host.mjs';
import { PROFILE_DEFAULTS } from './impair-proxy.mjs';

export const MARK_EVERY_MS = 3000; // the host's --tone-marks: longer than any delay paired by time
const SAMPLE_EVERY_MS = 500;
const BEFORE_MS = 6500; // clean network measured before the profile: two or three marks
export const RECOVER_MS = 10000; // the delay must be back within this after the network is steady again
const AFTER_MS = 6500; // clean network measured after that
// From the page's analyser to the ear: the context's and the device's buffering (WebKitGTK: 20-54 ms, which it does
// not report; Chromium and Firefox: their outputLatency) and the ear's own ±10 ms.
const OUTPUT_AFTER_ANALYSER_MS = 100;

const median = (values) => {
	const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
	return sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
};
const wallNow = () => performance.timeOrigin + performance.now();

// Samples the page every SAMPLE_EVERY_MS for `ms`: its figures and what it shows.
async function samplePage(page, ms) {
	const samples = [];
	const until = Date.now() + ms;
	for (let i = 0; i < 1000 && Date.now() < until; i++) {
		const s = await page.evaluate(() => ({
			...window.sseAudio.stats,
			notice: document.getElementById('notice').textContent,
			shownState: document.getElementById('player').dataset.state,
		}));
		samples.push({ ...s, atMs: wallNow() });
		await sleep(SAMPLE_EVERY_MS);
	}
	return samples;
}

// The heard delays of marks captured between two wall-clock times (heard up to 5 s later).
function delaysBetween(host, ear, fromMs, toMs) {
	const marks = host.marks.filter((ms) => ms >= fromMs && ms < toMs);
	return heardDelays(marks, ear.marks({ fromMs, toMs: toMs + 5000 }));
}

// How far the page's own delay figure was from the delay heard, mark by mark: for each mark of `pairs` (pairMarks)
// the page's figure sampled nearest to when the ear heard it (within one sample period), minus the heard delay. The
// median, or null without a pair. Paired in time, so a delay that still settles is compared with itself.
function pageErrorMs(pairs, samples) {
	const errors = pairs.map(({ heardMs, delayMs }) => {
		const nearest = samples.reduce((best, s) => (Math.abs(s.atMs - heardMs) < Math.abs(best.atMs - heardMs) ? s : best));
		const close = Math.abs(nearest.atMs - heardMs) <= SAMPLE_EVERY_MS && Number.isFinite(nearest.latencyMs);
		return close ? nearest.latencyMs - delayMs : NaN;
	});
	const error = median(errors);
	return error === null ? null : Math.round(error);
}

// Plays `profile` (with `options`) for `seconds` on a page already playing through `proxy`, between clean spells.
// Returns the figures; asserts nothing (the suites and the benchmark judge them).
export async function listenThrough(page, { host, proxy, ear, profile, options = {}, seconds }) {
	proxy.setProfile('clean');
	const counters = { ...proxy.counters };
	const beforeFrom = wallNow();
	const beforeSamples = await samplePage(page, BEFORE_MS);
	const startMs = wallNow();
	const start = beforeSamples[beforeSamples.length - 1];
	proxy.setProfile(profile, options);
	const duringSamples = await samplePage(page, seconds * 1000);
	const endMs = wallNow();
	proxy.setProfile('clean');
	const recoverSamples = await samplePage(page, RECOVER_MS);
	const afterFrom = wallNow();
	const afterSamples = await samplePage(page, AFTER_MS);
	const end = afterSamples[afterSamples.length - 1];
	const during = ear.heard({ fromMs: startMs, toMs: endMs });
	const beforePairs = pairMarks(host.marks.filter((ms) => ms >= beforeFrom && ms < startMs),
		ear.marks({ fromMs: beforeFrom, toMs: startMs + 5000 }));
	const before = beforePairs.map((pair) => Math.round(pair.delayMs));
	const duringDelays = delaysBetween(host, ear, startMs, endMs);
	const after = delaysBetween(host, ear, afterFrom, wallNow() - 1000);
	const marksSent = host.marks.filter((ms) => ms >= startMs && ms < endMs).length;
	const pageDelay = (samples) => median(samples.map((s) => s.latencyMs));
	// Played while nothing came out: the page read Live though the ear heard no sound for a whole sample period.
	// The ear hears what the page's analyser saw OUTPUT_AFTER_ANALYSER_MS later at most, so sound that had just
	// come back when the page looked is still on its way: the ear's window reaches that far past the sample.
	const liveWhileSilent = duringSamples.filter((s) => {
		if (s.shownState !== 'live') {
			return false;
		}
		const heard = ear.heard({ fromMs: s.atMs - SAMPLE_EVERY_MS, toMs: s.atMs + OUTPUT_AFTER_ANALYSER_MS });
		return heard.heardShare === 0;
	}).length;
	// When, in s from the profile's start, each silence began and each underrun was first seen: a freeze's own
	// silence is at its clock (every 10 s), anything else is the player's or the browser's.
	const sinceStart = (ms) => Number(((ms - startMs) / 1000).toFixed(2));
	const sampled = [start, ...duringSamples, ...recoverSamples, ...afterSamples];
	const underrunsAt = sampled.slice(1).filter((s, i) => s.underruns > sampled[i].underruns).map((s) => sinceStart(s.atMs));
	// Underruns still counted from just before each freeze to 1 s after it ended: those of the freeze itself, which
	// the page must count as a stall instead (it takes them back when the held audio arrives).
	let freezeUnderruns = null;
	if (profile === 'freeze') {
		const { everyMs, forMs } = { ...PROFILE_DEFAULTS.freeze, ...options };
		freezeUnderruns = 0;
		for (let at = everyMs; at < seconds * 1000; at += everyMs) {
			const before = sampled.filter((s) => s.atMs < startMs + at).at(-1);
			const after = sampled.find((s) => s.atMs >= startMs + at + forMs + 1000) ?? end;
			freezeUnderruns += after.underruns - before.underruns;
		}
	}
	return {
		profile,
		seconds,
		silencesAt: during.gaps.map((gap) => [sinceStart(gap.atMs), gap.ms]),
		underrunsAt,
		freezeUnderruns,
		heardShare: Number(during.heardShare.toFixed(4)),
		gaps: during.gaps.length,
		longestGapMs: Math.round(during.longestGapMs),
		silenceMs: Math.round(during.gaps.reduce((sum, gap) => sum + gap.ms, 0)),
		marksSent,
		marksHeard: duringDelays.length,
		heardDelayMs: { before: median(before), during: median(duringDelays), after: median(after) },
		pageDelayMs: { before: pageDelay(beforeSamples), during: pageDelay(duringSamples), after: pageDelay(afterSamples) },
		pageErrorMs: pageErrorMs(beforePairs, [...beforeSamples, ...duringSamples]),
		deviceLatencyIncluded: start.deviceLatencyIncluded,
		underruns: end.underruns - start.underruns,
		stalls: end.stalls - start.stalls,
		reconnects: end.reconnects - start.reconnects,
		jumps: end.jumps - start.jumps,
		targetBufferMs: { before: start.targetBufferMs, after: end.targetBufferMs },
		slowLinkShown: duringSamples.some((s) => s.slowLink && s.notice.includes('too slow')),
		liveWhileSilent,
		path: end.path,
		proxy: Object.fromEntries(Object.entries(proxy.counters).map(([key, value]) => [key, value - (counters[key] ?? 0)])),
	};
}

// One line for the test log and the benchmark.
export function describe(browser, f) {
	const d = f.heardDelayMs;
	const p = f.pageDelayMs;
	return `${browser} ${f.profile}: heard ${(f.heardShare * 100).toFixed(1)} % (${f.gaps} silences, ${f.silenceMs} ms, ` +
		`longest ${f.longestGapMs} ms${f.gaps > 1 ? `; at s, ms: ${JSON.stringify(f.silencesAt)}` : ''}), marks ${f.marksHeard}/${f.marksSent}, delay heard before/during/after ` +
		`${d.before}/${d.during}/${d.after} ms (page ${p.before}/${p.during}/${p.after} ms; page − heard before, mark by mark: ` +
		`${f.pageErrorMs} ms), underruns ${f.underruns}${f.underrunsAt.length ? ` (seen at ${f.underrunsAt.join(', ')} s; a freeze's are taken back)` : ''}` +
		`${f.freezeUnderruns === null ? '' : ` (${f.freezeUnderruns} left from the freeze)`}, ` +
		`stalls ${f.stalls}, reconnects ${f.reconnects}, target ${f.targetBufferMs.before}→${f.targetBufferMs.after} ms` +
		`${f.slowLinkShown ? ', said the link is too slow' : ''}, Live while silent ${f.liveWhileSilent}`;
}
