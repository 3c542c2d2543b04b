// The page's Web Audio graph: every engine's sound goes in at `input`, through an AnalyserNode (for the meter and
// for tests) and a GainNode (volume and mute) to the speakers. One AudioContext for the page's lifetime, created
// from the Play click so the browser lets it run.

const LEVEL_SAMPLES = 1024; // levelDb()'s window: ~21 ms at 48 kHz, long enough that a tone is never all zeros

// Firefox (Gecko: its user agent has "Gecko/<date>", others say "like Gecko") answers `outputLatency` by a
// synchronous call to the sound server through its audio IPC, and that call can block the page's main thread for
// good. Seen here with PulseAudio: a page that never answered again, 2 of 16 runs on a busy machine (and in CI);
// gdb showed its main thread in that call, its graph thread waiting on a lock and, in Firefox's parent process,
// the audio server's thread waiting on PulseAudio's lock while PulseAudio's thread waited in a callback into
// Firefox. Each read risks it (with the first read 1.5 s after Play: 2 of 24), so Firefox's is never read
// (without any read: 0 of 24).
const DEVICE_LATENCY_READABLE = !/\bGecko\/\d/.test(globalThis.navigator?.userAgent ?? '');

export class AudioOutput {
	#context;
	#latencyMs = 0;
	#latencyReadAt = undefined;
	#analyser;
	#gain;
	#elementSources = new WeakMap();
	#frequencies = null;
	#samples = null;

	// `sampleRate` (optional): run the context at the stream's rate so Web Audio engines need not resample.
	constructor(sampleRate) {
		const options = { latencyHint: 'interactive' };
		if (sampleRate) {
			options.sampleRate = sampleRate;
		}
		this.#context = new AudioContext(options);
		this.#analyser = this.#context.createAnalyser();
		this.#analyser.fftSize = 8192; // about 6 Hz a bin at 48 kHz: enough to tell 440 Hz from its neighbours
		this.#analyser.smoothingTimeConstant = 0.5;
		this.#analyser.minDecibels = -90; // the meter's range: a full-scale tone stays below the top
		this.#analyser.maxDecibels = -10;
		this.#gain = this.#context.createGain();
		this.#analyser.connect(this.#gain);
		this.#gain.connect(this.#context.destination);
	}

	get context() {
		return this.#context;
	}

	get input() {
		return this.#analyser;
	}

	get analyser() {
		return this.#analyser;
	}

	// What the audio output adds after the graph: the context's own buffering and the device's, in ms.
	// The device figure is read at most every two seconds (it hardly changes), and never in Firefox (see
	// DEVICE_LATENCY_READABLE); there the figure is the context's own buffering alone.
	get outputLatencyMs() {
		const now = performance.now();
		if (this.#latencyReadAt === undefined || now - this.#latencyReadAt > 2000) {
			const base = Number.isFinite(this.#context.baseLatency) ? this.#context.baseLatency : 0;
			const device = DEVICE_LATENCY_READABLE && Number.isFinite(this.#context.outputLatency)
				? this.#context.outputLatency
				: 0;
			this.#latencyMs = Math.round((base + device) * 1000);
			this.#latencyReadAt = now;
		}
		return this.#latencyMs;
	}

	// Whether outputLatencyMs includes what the sound system buffers after the browser.
	get deviceLatencyIncluded() {
		return DEVICE_LATENCY_READABLE;
	}

	resume() {
		return this.#context.state === 'running' ? Promise.resolve() : this.#context.resume();
	}

	// Routes a media element through the graph. An element can be routed only once in its life, so the node is kept.
	connectElement(element) {
		let source = this.#elementSources.get(element);
		if (!source) {
			source = this.#context.createMediaElementSource(element);
			this.#elementSources.set(element, source);
			source.connect(this.#analyser);
		}
		return source;
	}

	// Volume 0..1 from a linear slider; squared so the slider's middle sounds like half as loud.
	setVolume(volume, muted) {
		const gain = muted ? 0 : volume * volume;
		this.#gain.gain.setTargetAtTime(gain, this.#context.currentTime, 0.015);
	}

	// The RMS level (dBFS) of the last LEVEL_SAMPLES that passed the analyser; -Infinity for digital silence. Only
	// the newest ~20 ms, not the analyser's whole 170 ms: the page's "Live" follows it, and must end soon after the
	// sound does. Cheaper than analyse(): no spectrum.
	levelDb() {
		this.#samples ??= new Float32Array(this.#analyser.fftSize);
		this.#analyser.getFloatTimeDomainData(this.#samples); // oldest first, newest last
		let sum = 0;
		for (let i = this.#samples.length - LEVEL_SAMPLES; i < this.#samples.length; i++) {
			sum += this.#samples[i] * this.#samples[i];
		}
		return sum > 0 ? 10 * Math.log10(sum / LEVEL_SAMPLES) : -Infinity;
	}

	// What the analyser sees now: the strongest frequency (Hz, interpolated between bins) and the RMS level (dBFS).
	analyse() {
		const analyser = this.#analyser;
		this.#frequencies ??= new Float32Array(analyser.frequencyBinCount);
		this.#samples ??= new Float32Array(analyser.fftSize);
		analyser.getFloatFrequencyData(this.#frequencies);
		analyser.getFloatTimeDomainData(this.#samples);
		let sum = 0;
		for (const s of this.#samples) {
			sum += s * s;
		}
		const rms = Math.sqrt(sum / this.#samples.length);
		const levelDb = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
		const binHz = this.#context.sampleRate / analyser.fftSize;
		const bins = this.#frequencies;
		let peak = -1;
		for (let i = Math.max(1, Math.floor(20 / binHz)); i < bins.length - 1; i++) {
			if (peak < 0 || bins[i] > bins[peak]) {
				peak = i;
			}
		}
		if (peak < 0 || !Number.isFinite(bins[peak]) || levelDb < -90) {
			return { peakHz: null, peakDb: null, levelDb };
		}
		// Parabolic interpolation over the peak bin and its neighbours (in dB) finds the frequency between bins.
		const [a, b, c] = [bins[peak - 1], bins[peak], bins[peak + 1]];
		const shift = a - 2 * b + c === 0 ? 0 : (0.5 * (a - c)) / (a - 2 * b + c);
		return { peakHz: (peak + shift) * binHz, peakDb: b, levelDb };
	}
}
