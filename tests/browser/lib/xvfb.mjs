// A private X display (Xvfb) for a browser that has no headless mode. Xvfb picks a free display number itself and
// reports it (-displayfd), so two suites or xvfb-run starting at the same moment cannot pick the same one. Only local
// clients can reach it (no TCP). stop() ends it by its process id.

import { spawn } from 'node:child_process';

import { sleep } from './host.mjs';

export async function startXvfb({ screen = '1280x1024x24', timeoutMs = 10000 } = {}) {
	const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', screen, '-nolisten', 'tcp'], {
		stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
	});
	const exited = new Promise((resolve) => child.once('exit', resolve));
	let log = '';
	child.stderr.setEncoding('utf8').on('data', (text) => {
		log = (log + text).slice(-2000);
	});
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			if (!(await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]))) {
				child.kill('SIGKILL');
			}
		}
	};
	const number = await new Promise((resolve) => {
		let text = '';
		const timer = setTimeout(() => resolve(null), timeoutMs);
		child.stdio[3].setEncoding('utf8').on('data', (chunk) => {
			text += chunk;
			if (text.includes('\n')) {
				clearTimeout(timer);
				resolve(text.trim());
			}
		});
		exited.then(() => {
			clearTimeout(timer);
			resolve(null);
		});
	});
	if (!/^\d+$/.test(number ?? '')) {
		await stop();
		throw new Error(`Xvfb did not start:\n${log}`);
	}
	return { display: `:${number}`, stop };
}
