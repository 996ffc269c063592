/**
 * Platform adapters report whether their connection works (`/healthz` answers 503 while one is down).
 * `name` is the platform ("telegram"); `detail` says what failed, without secrets.
 */
export interface HealthReporter {
  set(name: string, up: boolean, detail?: string): void;
}

export const ignoredHealth: HealthReporter = { set() {} };
