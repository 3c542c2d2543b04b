// Everything that touches the page's DOM, apart from the meter's canvas. Knows nothing about streams: the player
// tells it what to show, and it reports the listener's clicks and keys.

import { format } from './i18n.js';

export class PlayerView {
	#el;
	#strings;
	#notices = new Map();
	#title = '';
	#inPage;

	// `inPage`: the player page, whose language, title and keys are the document's; false inside the
	// <obs-sse-audio> element (embed.js), which leaves the embedding page's alone.
	constructor(root, strings, language, { inPage = true } = {}) {
		this.#strings = strings;
		this.#inPage = inPage;
		const get = (id) => root.querySelector(`#${id}`);
		this.#el = {
			root,
			title: get('title'),
			toggle: get('toggle'),
			toggleText: get('toggle-text'),
			state: get('state'),
			meter: get('meter'),
			mute: get('mute'),
			volume: get('volume'),
			channelPicker: get('channel-picker'),
			channel: get('channel'),
			floorMix: get('floor-mix'),
			floorOn: get('floor-on'),
			floorVolume: get('floor-volume'),
			delay: get('delay'),
			buffer: get('buffer'),
			bitrate: get('bitrate'),
			listeners: get('listeners'),
			path: get('path'),
			notice: get('notice'),
			keyForm: get('key-form'),
			keyInput: get('key-input'),
			audio: get('audio'),
		};
		(inPage ? document.documentElement : root).lang = language === 'zh' ? 'zh-CN' : language;
		for (const node of root.querySelectorAll('[data-text]')) {
			node.textContent = strings[node.dataset.text];
		}
		this.#el.volume.setAttribute('aria-label', strings.volume);
		this.#el.floorVolume.setAttribute('aria-label', strings.floorVolume);
		this.showTitle('');
	}

	get audio() {
		return this.#el.audio;
	}

	// Puts a new <audio> element in place of the current one and returns it. An element once routed through Web
	// Audio stays routed for life; a path that must play without Web Audio needs a fresh one.
	replaceAudio() {
		const fresh = this.#el.audio.cloneNode(false);
		fresh.removeAttribute('src');
		this.#el.audio.replaceWith(fresh);
		this.#el.audio = fresh;
		return fresh;
	}

	get meterCanvas() {
		return this.#el.meter;
	}

	onToggle(handler) {
		this.#el.toggle.addEventListener('click', handler);
	}

	onMute(handler) {
		this.#el.mute.addEventListener('click', handler);
	}

	onVolume(handler) {
		this.#el.volume.addEventListener('input', () => handler(Number(this.#el.volume.value) / 100));
	}

	// Space toggles playback anywhere on the page except where space already means something (buttons, fields);
	// M toggles mute.
	onKeys({ toggle, mute }) {
		(this.#inPage ? document : this.#el.root).addEventListener('keydown', (event) => {
			if (event.repeat || event.altKey || event.ctrlKey || event.metaKey) {
				return;
			}
			const target = event.target;
			const typing = target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement ||
				(target instanceof HTMLInputElement && target.type !== 'range') || target.isContentEditable;
			if (typing) {
				return;
			}
			if (event.key === ' ' && !(target instanceof HTMLButtonElement)) {
				event.preventDefault();
				toggle();
			} else if (event.key === 'm' || event.key === 'M') {
				mute();
			}
		});
	}

	// The channel picker: shown with two channels or more, its options the channels' names in the server's order.
	showChannels(channels, current) {
		const select = this.#el.channel;
		select.replaceChildren(...channels.map(({ id, name }) => {
			const option = document.createElement('option');
			option.value = id;
			option.textContent = name;
			return option;
		}));
		this.#el.channelPicker.hidden = channels.length < 2;
		this.showChannel(current);
	}

	showChannel(id) {
		if (id) {
			this.#el.channel.value = id;
		}
	}

	onChannel(handler) {
		this.#el.channel.addEventListener('change', () => handler(this.#el.channel.value));
	}

	// The floor mix's controls: `offered` shows them; the slider only matters (and is enabled) while it is on.
	showFloor({ offered, on, volume }) {
		this.#el.floorMix.hidden = !offered;
		this.#el.floorOn.checked = on;
		this.#el.floorVolume.disabled = !on;
		this.#el.floorVolume.value = String(Math.round(volume * 100));
		this.#el.floorVolume.setAttribute('aria-valuetext', `${Math.round(volume * 100)} %`);
	}

	onFloor({ toggle, volume }) {
		this.#el.floorOn.addEventListener('change', () => toggle(this.#el.floorOn.checked));
		this.#el.floorVolume.addEventListener('input', () => volume(Number(this.#el.floorVolume.value) / 100));
	}

	showVolume(volume, muted) {
		const s = this.#strings;
		this.#el.volume.value = String(Math.round(volume * 100));
		this.#el.volume.setAttribute('aria-valuetext', `${Math.round(volume * 100)} %`);
		this.#el.mute.setAttribute('aria-pressed', String(muted));
		this.#el.mute.setAttribute('aria-label', muted ? s.unmute : s.mute);
		this.#el.mute.title = muted ? s.unmute : s.mute;
		this.#el.root.classList.toggle('is-muted', muted);
	}

	showPath(path) {
		this.#el.path.textContent = this.#strings.path[path] ?? '';
		this.#el.root.dataset.path = path;
		this.#el.toggle.disabled = path === 'none' || path === 'checking';
		if (path === 'none') {
			this.showState('unsupported');
		}
	}

	showPlaying(playing) {
		const s = this.#strings;
		this.#el.toggleText.textContent = playing ? s.pause : s.play;
		this.#el.toggle.setAttribute('aria-label', playing ? s.pauseLabel : s.playLabel);
		this.#el.toggle.setAttribute('aria-pressed', String(playing));
		this.#el.root.classList.toggle('is-playing', playing);
	}

	showState(state) {
		this.#el.state.textContent = this.#strings.state[state] ?? state;
		this.#el.root.dataset.state = state;
	}

	// The stream's title from the server; the page's own name until one is known.
	showTitle(title) {
		this.#title = title || '';
		const shown = this.#title || this.#strings.pageTitle;
		this.#el.title.textContent = shown;
		if (this.#inPage) {
			document.title = this.#title ? `${this.#title} · ${this.#strings.pageTitle}` : this.#strings.pageTitle;
		}
	}

	get title() {
		return this.#title || this.#strings.pageTitle;
	}

	showServerFigures({ listeners, bitrateKbps }) {
		const s = this.#strings;
		this.#el.listeners.textContent = listeners ?? s.none;
		this.#el.bitrate.textContent = bitrateKbps ? format(s.kbps, bitrateKbps) : s.none;
	}

	showDelay(latencyMs, bufferedMs) {
		const s = this.#strings;
		this.#el.delay.textContent = latencyMs === null ? s.none : format(s.ms, Math.round(latencyMs));
		this.#el.buffer.textContent = bufferedMs === null ? s.none : format(s.ms, Math.round(bufferedMs));
	}

	// The access key form: shown while the server answers 401; `handler(key)` gets what the listener entered.
	onKey(handler) {
		this.#el.keyForm.addEventListener('submit', (event) => {
			event.preventDefault();
			const key = this.#el.keyInput.value.trim();
			if (key) {
				handler(key);
			}
		});
	}

	showKeyForm(shown) {
		const form = this.#el.keyForm;
		if (form.hidden === !shown) {
			return;
		}
		form.hidden = !shown;
		if (shown) {
			this.#el.keyInput.value = '';
			this.#el.keyInput.focus();
		}
	}

	// Notices come from several sources (server status, playback); each source owns one line.
	setNotice(source, text) {
		if (text) {
			this.#notices.set(source, text);
		} else {
			this.#notices.delete(source);
		}
		const lines = [...this.#notices.values()];
		this.#el.notice.textContent = lines.join(' ');
		this.#el.notice.hidden = lines.length === 0;
	}
}
