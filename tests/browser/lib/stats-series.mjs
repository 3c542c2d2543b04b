// The player's figures over time, recorded by the page itself (window.sseAudio.stats every `everyMs`), so that a
// test can log how the delay, the buffer and its target moved without adding browser round trips to the timing
// checks it runs meanwhile. Works with any Page that has evaluate().

export const startSeries = (page, everyMs = 500) => page.evaluate((everyMs) => {
	clearInterval(window.__statsSeriesTimer);
	window.__statsSeries = [];
	const started = performance.now();
	window.__statsSeriesTimer = setInterval(() => {
		const s = window.sseAudio.stats;
		if (window.__statsSeries.length < 2000) {
			window.__statsSeries.push({
				s: Math.round((performance.now() - started) / 100) / 10,
				state: s.state,
				latencyMs: s.latencyMs,
				bufferedMs: s.bufferedMs,
				targetBufferMs: s.targetBufferMs,
				underruns: s.underruns,
				rate: s.playbackRate,
			});
		}
	}, everyMs);
}, everyMs);

// Stops the recording and returns it: { samples, latencyMs, bufferedMs, targetBufferMs }, each figure as
// { min, median, max } over the samples where it was known.
export async function readSeries(page) {
	const samples = await page.evaluate(() => {
		clearInterval(window.__statsSeriesTimer);
		return window.__statsSeries ?? [];
	});
	const spread = (key) => {
		const values = samples.map((sample) => sample[key]).filter(Number.isFinite).sort((a, b) => a - b);
		return values.length
			? { min: values[0], median: values[Math.floor(values.length / 2)], max: values.at(-1) }
			: null;
	};
	return {
		samples,
		latencyMs: spread('latencyMs'),
		bufferedMs: spread('bufferedMs'),
		targetBufferMs: spread('targetBufferMs'),
	};
}
