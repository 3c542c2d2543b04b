// What this browser can really decode MP3 with, tried once when the page loads. A browser may say it decodes MP3
// and then fail every frame (WebKitGTK's AudioDecoder: GStreamer picks a Layer I decoder for Layer III), so a real
// decode of a few frames decides, not isConfigSupported.

import { splitFrames } from './mp3-frames.js';

// Six MPEG-1 Layer III frames: 120 ms of a 440 Hz tone, 48 kHz mono, 32 kbps, encoded with LAME.
const PROBE_MP3 =
	'//sUxAAABAwVTTTAgDiVhmjDNiAAAABZsAABuI5/YkAgAIBwmPh4eHngAAAIHZh7/+AZ/+HiEIMreEqTK4dRcyKXAUy6Qku+Alf2vP9z+eFAfAQa' +
	'4VO5URHvrVVjAUEg//sUxAKDxEwdJh3QACCXA6LBv+RNECZhAD5kJaZ+rgBpmSxjKIAQDaE8wKAcwAAFEmQmMCZlYsacWnVvRhEAa2aQ8ImGEsAO' +
	'5gVYAQfQgIYEDYJYMoB+SqowOHhQhghE//sUxAODxKQhFA57QmCTg6KBv+hNGI6iYUkHxr9VDmGELQYIYR5sohpigCthEgbDKF3umMgwKZRbCH6A' +
	'wpcATNXHAJjC2wAswNgAYO2rMqtBCYdSlQPJKjCwnMHkYwki//sUxAQDxLwhFA57giCbA+KBv+hMzFdQMKiDs2QqgDWVjMGoQwOMwcMxYohhGGkI' +
	'oTf4PCJk4GawXHhyZhOAfcakoKFmFaAVhgaYCieCAaJgZNOYRAZEI4+FMTGDFCsy//sUxAMDxHAdGA37ImiNg+TCvAAEdWNY3TExWeOody0xTw5j' +
	'BMBJAJCA0zwDODDS2hCzAIACRFMCEEcwXwozFBIVNP0v4wSgJgMCwBgC0e1KHEQtlmCbCm5UCIbAuFJ+//sUxAUABURTWBmCgACbjqjDJHAAlF7J' +
	'Hf//+X2/Agc/IHz/nFDnoB8CfhgHwJ/DAPgQ5/QAiwPB8GoDp8NWiUfCIALwHCkHv4PR4H342HRqRT/xsFQVZ8sPDRZMQU1F';
const PROBE_TIMEOUT_MS = 1500;

function probeBytes() {
	return Uint8Array.from(atob(PROBE_MP3), (c) => c.charCodeAt(0));
}

// Resolves `work` or, after PROBE_TIMEOUT_MS, `late`.
function bounded(work, late) {
	let timer = 0;
	const timeout = new Promise((resolve) => {
		timer = setTimeout(() => resolve(late), PROBE_TIMEOUT_MS);
	});
	return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

// Whether the page can play decoded PCM at all: an AudioWorklet (secure contexts only: https, or http on localhost).
function hasWorklet() {
	return typeof AudioWorkletNode !== 'undefined' && typeof AudioContext !== 'undefined';
}

// WebCodecs: AudioDecoder('mp3') turns the probe into PCM without an error.
export async function decodesWithWebCodecs() {
	if (!hasWorklet() || typeof AudioDecoder === 'undefined' || typeof EncodedAudioChunk === 'undefined') {
		return false;
	}
	try {
		const result = await AudioDecoder.isConfigSupported({ codec: 'mp3', sampleRate: 48000, numberOfChannels: 2 });
		return result.supported === true && (await bounded(webCodecsDecodesProbe(), false));
	} catch {
		return false;
	}
}

async function webCodecsDecodesProbe() {
	const bytes = probeBytes();
	let decoded = 0;
	let failed = false;
	const decoder = new AudioDecoder({
		output: (data) => {
			decoded += data.numberOfFrames;
			data.close();
		},
		error: () => {
			failed = true;
		},
	});
	try {
		decoder.configure({ codec: 'mp3', sampleRate: 48000, numberOfChannels: 1 });
		splitFrames(bytes).frames.forEach(({ offset, length }, i) => {
			const data = bytes.subarray(offset, offset + length);
			decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: i * 24000, data }));
		});
		await decoder.flush();
	} catch {
		failed = true; // flush rejects after a decode error
	} finally {
		if (decoder.state !== 'closed') {
			decoder.close();
		}
	}
	return !failed && decoded > 0;
}

// Web Audio's decodeAudioData turns the probe into PCM: the whole 120 ms of it.
export async function decodesWithWebAudio() {
	if (!hasWorklet() || typeof OfflineAudioContext === 'undefined') {
		return false;
	}
	try {
		const context = new OfflineAudioContext(1, 1, 48000);
		const decoded = await bounded(context.decodeAudioData(probeBytes().buffer), null);
		return decoded !== null && decoded.duration >= 0.1;
	} catch {
		return false;
	}
}
