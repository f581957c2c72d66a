/** Download speed over the last few seconds, so "time left" follows the link as it is now. */
const WINDOW_MS = 5000;

export class SpeedMeter {
  private samples: Array<{ t: number; bytes: number }> = [];

  /** Note the running byte count. */
  add(bytesDone: number, now = Date.now()): void {
    this.samples.push({ t: now, bytes: bytesDone });
    while (this.samples.length > 2 && now - this.samples[0].t > WINDOW_MS) this.samples.shift();
  }

  /** Forget the past: after a pause the old rate means nothing. */
  reset(): void {
    this.samples = [];
  }

  /** 0 until two samples exist. */
  bytesPerSecond(): number {
    const s = this.samples;
    if (s.length < 2) return 0;
    const dt = (s[s.length - 1].t - s[0].t) / 1000;
    return dt > 0 ? (s[s.length - 1].bytes - s[0].bytes) / dt : 0;
  }
}
