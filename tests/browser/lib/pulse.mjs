// A private PulseAudio server with a null sink, so that browsers have an audio device and a real audio clock
// without any sound hardware. Firefox needs it to play at all; Chromium uses it too so that both browsers report
// an honest output latency. The server is ended (by its process id) and its folder removed by stop().

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sleep } from './host.mjs';

export async function startPulse() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sse-audio-pulse-'));
	const socket = path.join(dir, 'native');
	const child = spawn(
		'pulseaudio',
		[
			'-n', // no default configuration: only the modules below
			'--daemonize=no',
			'--exit-idle-time=-1',
			'--log-target=stderr',
			'--load=module-null-sink sink_name=null rate=48000',
			`--load=module-native-protocol-unix auth-anonymous=1 socket=${socket}`,
		],
		{
			// Its own home and runtime folder: nothing of the user's PulseAudio set-up is touched.
			env: { ...process.env, HOME: dir, XDG_RUNTIME_DIR: dir, XDG_CONFIG_HOME: dir, XDG_STATE_HOME: dir },
			stdio: ['ignore', 'ignore', 'pipe'],
		}
	);
	let log = '';
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (text) => {
		log = (log + text).slice(-4000);
	});
	for (let i = 0; i < 100 && !fs.existsSync(socket) && child.exitCode === null; i++) {
		await sleep(100);
	}
	if (!fs.existsSync(socket)) {
		child.kill('SIGKILL');
		fs.rmSync(dir, { recursive: true, force: true });
		throw new Error(`pulseaudio did not start:\n${log}`);
	}
	return {
		env: { PULSE_SERVER: `unix:${socket}` },
		async stop() {
			if (child.exitCode === null && child.signalCode === null) {
				const exited = new Promise((resolve) => child.once('exit', resolve));
				child.kill('SIGTERM');
				await Promise.race([exited, sleep(3000)]);
				if (child.exitCode === null && child.signalCode === null) {
					child.kill('SIGKILL');
				}
			}
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}
