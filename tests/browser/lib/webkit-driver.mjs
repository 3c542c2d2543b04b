// Starts WebKitGTK's MiniBrowser under WebKitWebDriver (Debian's webkit2gtk-driver) and opens a WebDriver session on
// it with selenium-webdriver. MiniBrowser has no headless mode, so without DISPLAY it gets a private Xvfb. The driver
// and the browser it starts (with WebKit's helper processes) share one process group; close() always ends that
// group and then Xvfb.

import { spawn } from 'node:child_process';

import { Builder } from 'selenium-webdriver';

import { freePort, sleep } from './host.mjs';
import { startXvfb } from './xvfb.mjs';

export const WEBKIT = {
	driver: process.env.WEBKIT_WEBDRIVER || '/usr/bin/WebKitWebDriver',
	browser: process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
};

// Rejects with `what` when `promise` has not settled within `ms`.
function within(promise, ms, what) {
	let timer;
	const timeout = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Polls the driver's /status until it answers ready; false when it does not within `ms` or is gone meanwhile.
async function driverReady(url, gone, ms) {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline && !gone()) {
		try {
			const response = await fetch(`${url}/status`, { signal: AbortSignal.timeout(1000) });
			if (response.ok && (await response.json()).value?.ready) {
				return true;
			}
		} catch {
			// not listening yet
		}
		await sleep(100);
	}
	return false;
}

// env: added to the driver's (and so the browser's) environment, e.g. PULSE_SERVER; args: MiniBrowser options
// after --automation; size: the browser window's. Returns { driver, close() }.
export async function launchWebKit({ env = {}, args = [], size = { width: 480, height: 900 } } = {}) {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const xvfb = process.env.DISPLAY ? null : await startXvfb();
	// On our own Xvfb GTK must not pick a Wayland display the caller may have.
	const { WAYLAND_DISPLAY, ...inherited } = process.env;
	const display = xvfb ? { DISPLAY: xvfb.display, GDK_BACKEND: 'x11' } : {};
	// Its own process group: the driver, MiniBrowser and WebKit's helper processes end together.
	const child = spawn(WEBKIT.driver, [`--port=${port}`, '--host=127.0.0.1'], {
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...(xvfb ? inherited : process.env), ...display, ...env },
	});
	let log = '';
	const keep = (text) => {
		log = (log + text).slice(-4000);
	};
	let failed = false; // could not be started at all (then no 'exit' comes)
	const exited = new Promise((resolve) => {
		child.once('exit', resolve);
		child.once('error', (error) => {
			failed = true;
			keep(`${error.message}\n`);
			resolve();
		});
	});
	const gone = () => failed || child.exitCode !== null || child.signalCode !== null;
	child.stdout.setEncoding('utf8').on('data', keep);
	child.stderr.setEncoding('utf8').on('data', keep);

	let driver = null;
	const close = async () => {
		if (driver) {
			// Ends the session, which closes MiniBrowser; the group is ended below whatever happens here.
			await within(driver.quit(), 10000, 'ending the WebDriver session').catch(() => {});
			driver = null;
		}
		if (!gone()) {
			for (const signal of ['SIGTERM', 'SIGKILL']) {
				try {
					process.kill(-child.pid, signal);
				} catch {
					break; // the group is gone
				}
				if (await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) {
					break;
				}
			}
		}
		// A WebKit helper that outlived the driver
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			// the group is gone
		}
		await xvfb?.stop();
	};

	try {
		if (!(await driverReady(url, gone, 20000))) {
			throw new Error(`WebKitWebDriver did not start:\n${log}`);
		}
		const builder = new Builder()
			.disableEnvironmentOverrides() // SELENIUM_* variables must not send the session elsewhere
			.usingServer(url)
			.withCapabilities({
				browserName: 'MiniBrowser',
				'webkitgtk:browserOptions': { binary: WEBKIT.browser, args: ['--automation', ...args] },
			});
		driver = await within(builder.build(), 30000, 'starting MiniBrowser');
		const timeouts = { script: 30000, pageLoad: 30000, implicit: 0 };
		await within(driver.manage().setTimeouts(timeouts), 10000, 'setting the timeouts');
		await within(driver.manage().window().setRect({ x: 0, y: 0, ...size }), 10000, 'sizing the window');
	} catch (error) {
		await close();
		throw new Error(`${error.message}\n${log}`);
	}
	return { driver, close };
}
