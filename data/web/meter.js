// A live spectrum drawn from the AnalyserNode: listeners would rather see that sound is there than read it.
// Bars on a logarithmic frequency scale from 40 Hz to 16 kHz, coloured from the page's CSS (light or dark), and a
// peak-level line. The canvas is an image for screen readers, labelled with the level now and then.

import { format } from './i18n.js';

const BARS = 48;
const MIN_HZ = 40;
const MAX_HZ = 16000;
const LABEL_EVERY_MS = 2000;

export class LevelMeter {
	#canvas;
	#strings;
	#output = null;
	#frame = 0;
	#bytes = null;
	#colors = null;
	#colorsAt = 0;
	#labelAt = 0;
	#peak = 0;

	constructor(canvas, strings) {
		this.#canvas = canvas;
		this.#strings = strings;
		canvas.setAttribute('role', 'img');
		canvas.setAttribute('aria-label', strings.meterLabel);
		this.#clear();
	}

	attach(output) {
		this.#output = output;
		this.#bytes = new Uint8Array(output.analyser.frequencyBinCount);
		cancelAnimationFrame(this.#frame);
		this.#frame = requestAnimationFrame((t) => this.#draw(t));
	}

	detach() {
		cancelAnimationFrame(this.#frame);
		this.#output = null;
		this.#peak = 0;
		this.#clear();
	}

	#clear() {
		const { ctx, width, height } = this.#surface();
		ctx.clearRect(0, 0, width, height);
		this.#canvas.setAttribute('aria-label', `${this.#strings.meterLabel}: ${this.#strings.meterSilent}`);
	}

	// The 2D context, sized to the canvas's CSS box at the screen's pixel density.
	#surface() {
		const canvas = this.#canvas;
		const ratio = window.devicePixelRatio || 1;
		const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
		const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
		if (canvas.width !== width || canvas.height !== height) {
			canvas.width = width;
			canvas.height = height;
		}
		return { ctx: canvas.getContext('2d'), width, height };
	}

	#readColors(now) {
		if (!this.#colors || now - this.#colorsAt > 1000) {
			const style = getComputedStyle(this.#canvas);
			this.#colors = {
				bar: style.getPropertyValue('--meter-bar').trim() || '#2557d6',
				peak: style.getPropertyValue('--meter-peak').trim() || '#1f9d55',
			};
			this.#colorsAt = now;
		}
		return this.#colors;
	}

	#draw(now) {
		const output = this.#output;
		if (!output) {
			return;
		}
		this.#frame = requestAnimationFrame((t) => this.#draw(t));
		const analyser = output.analyser;
		analyser.getByteFrequencyData(this.#bytes);
		const { ctx, width, height } = this.#surface();
		const colors = this.#readColors(now);
		ctx.clearRect(0, 0, width, height);
		const binHz = output.context.sampleRate / analyser.fftSize;
		const gap = Math.max(1, Math.round(width / BARS / 5));
		const barWidth = width / BARS - gap;
		let loudest = 0;
		ctx.fillStyle = colors.bar;
		for (let bar = 0; bar < BARS; bar++) {
			const from = MIN_HZ * (MAX_HZ / MIN_HZ) ** (bar / BARS);
			const to = MIN_HZ * (MAX_HZ / MIN_HZ) ** ((bar + 1) / BARS);
			let value = 0;
			for (let bin = Math.floor(from / binHz); bin <= Math.ceil(to / binHz) && bin < this.#bytes.length; bin++) {
				value = Math.max(value, this.#bytes[bin]);
			}
			loudest = Math.max(loudest, value);
			const barHeight = (value / 255) * height;
			if (barHeight >= 1) {
				ctx.fillRect(bar * (barWidth + gap), height - barHeight, barWidth, barHeight);
			}
		}
		// A peak line that falls slowly, like a hardware meter's.
		this.#peak = Math.max(loudest / 255, this.#peak - 0.01);
		ctx.fillStyle = colors.peak;
		ctx.fillRect(0, height - this.#peak * height, width, Math.max(1, Math.round(height / 60)));
		if (now - this.#labelAt > LABEL_EVERY_MS) {
			this.#labelAt = now;
			const { levelDb } = output.analyse();
			const text = Number.isFinite(levelDb) && levelDb > -90
				? format(this.#strings.meterLevel, Math.round(levelDb))
				: this.#strings.meterSilent;
			this.#canvas.setAttribute('aria-label', `${this.#strings.meterLabel}: ${text}`);
		}
	}
}
