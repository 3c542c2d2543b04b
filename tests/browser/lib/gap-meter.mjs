// Listens to the player's sound sample by sample, the way a listener would hear it: an AudioWorklet behind the
// player's AnalyserNode (which every routed engine's sound goes through) records each run of silence longer than
// a few milliseconds once sound has started. The analyser-based checks sample twice a second over a 170 ms window
// and miss short dropouts; the player's own underrun count is only what the browser's events say.
//
// install() must run after the page has loaded and before Play is clicked: it wraps createAnalyser so that the
// player's AudioOutput, made on Play, gets the meter. Works with any Page that has evaluate().

const MIN_GAP_MS = 3; // a 440 Hz tone is near zero for microseconds only: anything longer is a dropout

const INSTALL = (minGapMs) => {
	const processor = `
		class GapMeter extends AudioWorkletProcessor {
			constructor() {
				super();
				this.run = 0; // silent samples in a row, up to now
				this.heard = false;
				this.reset();
				this.port.onmessage = (event) => {
					this.port.postMessage({
						seconds: this.frames / sampleRate,
						heard: this.heard,
						silentNowMs: (this.run / sampleRate) * 1000,
						gaps: this.gaps,
					});
					if (event.data === 'reset') {
						this.reset();
					}
				};
			}
			// A new measurement; a silence going on now is still measured whole when it ends.
			reset() {
				this.frames = 0;
				this.gaps = [];
			}
			process(inputs) {
				const samples = inputs[0]?.[0];
				const count = samples ? samples.length : 128;
				for (let i = 0; i < count; i++) {
					if (!samples || Math.abs(samples[i]) < 1e-3) {
						this.run++;
						continue;
					}
					if (this.heard && this.run > (sampleRate * ${minGapMs}) / 1000 && this.gaps.length < 500) {
						const at = currentTime + (i - this.run) / sampleRate; // the AudioContext's time
						this.gaps.push({ at: Math.round(at * 1000) / 1000, ms: Math.round((this.run / sampleRate) * 10000) / 10 });
					}
					this.run = 0;
					this.heard = true;
				}
				this.frames += count;
				return true;
			}
		}
		registerProcessor('test-gap-meter', GapMeter);`;
	const url = URL.createObjectURL(new Blob([processor], { type: 'text/javascript' }));
	const metered = new WeakSet();
	const createAnalyser = AudioContext.prototype.createAnalyser;
	AudioContext.prototype.createAnalyser = function () {
		const analyser = createAnalyser.call(this);
		if (!metered.has(this)) {
			metered.add(this);
			const context = this;
			context.audioWorklet.addModule(url).then(() => {
				const meter = new AudioWorkletNode(context, 'test-gap-meter', { outputChannelCount: [1] });
				// The worklet must be pulled by the destination to run; its output is silence.
				const sink = context.createGain();
				sink.gain.value = 0;
				analyser.connect(meter);
				meter.connect(sink);
				sink.connect(context.destination);
				window.__gapMeter = meter;
			}, (error) => {
				window.__gapMeterError = String(error);
			});
		}
		return analyser;
	};
};

const ASK = (message) => new Promise((resolve) => {
	const meter = window.__gapMeter;
	if (!meter) {
		resolve({ missing: window.__gapMeterError || 'no gap meter: the page made no AudioContext with an analyser' });
		return;
	}
	const timer = setTimeout(() => resolve({ missing: 'the gap meter did not answer' }), 2000);
	meter.port.onmessage = (event) => {
		clearTimeout(timer);
		resolve(event.data);
	};
	meter.port.postMessage(message);
});

export const installGapMeter = (page) => page.evaluate(INSTALL, MIN_GAP_MS);

// What the meter heard since Play (or the last reset): { seconds, heard, silentNowMs, gaps: [{at, ms}] } where
// `at` is the AudioContext's time the silence began, or { missing } when the page has no meter.
export const readGaps = (page) => page.evaluate(ASK, 'read');

// Starts a new measurement, returning the one it ends.
export const resetGaps = (page) => page.evaluate(ASK, 'reset');

// A Page whose goto() installs the meter on every page it opens, for player-checks' openAndPlay.
export function listening(page) {
	return {
		...page,
		goto: async (url) => {
			await page.goto(url);
			await installGapMeter(page);
		},
	};
}
