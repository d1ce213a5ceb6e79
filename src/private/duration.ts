import { Duration } from 'cdk8s';

/** Renders a cdk8s Duration as a Go duration string (`time.ParseDuration`), e.g. `5s`, `3m`, `1h30m`. */
export function goDuration(duration: Duration): string {
  const ms = duration.toMilliseconds();
  if (ms % 1000 !== 0) return `${ms}ms`;
  let seconds = ms / 1000;
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  seconds -= h * 3600;
  const m = Math.floor(seconds / 60);
  seconds -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${seconds ? `${seconds}s` : ''}`;
}
