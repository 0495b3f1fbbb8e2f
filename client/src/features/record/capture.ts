import WaveSurfer from 'wavesurfer.js';
import RecordPlugin from 'wavesurfer.js/plugins/record';
import { encodeWav16 } from '#shared/audio/index.ts';
import workletUrl from './pcm-recorder.worklet.ts?worker&url';

/** Dataset audio is raw: the browser's voice processing would colour every clip differently. */
export const RAW_AUDIO: MediaTrackConstraints = { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 };

/** Chromium's MediaRecorder can write PCM into WebM: bit-faithful (STACK.md §5). */
export const PCM_MIME = 'audio/webm;codecs=pcm';

export type CaptureMethod = 'mediarecorder-pcm' | 'audioworklet-wav';

export function captureMethod(): CaptureMethod | null {
  if (typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(PCM_MIME)) return 'mediarecorder-pcm';
  if (typeof AudioWorkletNode !== 'undefined') return 'audioworklet-wav';
  // Lossy-only browsers are refused rather than marked: the dataset promises lossless audio.
  return null;
}

export interface Take {
  blob: Blob;
  mime: string;
  captureRate: number;
}

/**
 * One recording session with a live waveform in `container`. The primary path is the wavesurfer
 * record plugin writing PCM WebM; the fallback records raw Float32 blocks with an AudioWorklet and
 * encodes a 16-bit WAV in the page (also lossless). `method` forces a path (tests).
 */
export class Capture {
  private ws: WaveSurfer;
  private rec: RecordPlugin;
  private worklet: { ctx: AudioContext; node: AudioWorkletNode; stream: MediaStream; chunks: Float32Array[]; mic: { onDestroy(): void } } | null = null;
  private captureRate = 0;
  private ended: ((t: Take) => void) | null = null;

  constructor(
    container: HTMLElement,
    readonly method: CaptureMethod,
  ) {
    this.ws = WaveSurfer.create({ container, height: 96, waveColor: '#0072b2', progressColor: '#0072b2', cursorWidth: 0, interact: false });
    this.rec = this.ws.registerPlugin(
      RecordPlugin.create({ mimeType: method === 'mediarecorder-pcm' ? PCM_MIME : undefined, renderRecordedAudio: false, continuousWaveform: true, continuousWaveformDuration: 30 }),
    );
    this.rec.on('record-end', (blob) => this.ended?.({ blob, mime: PCM_MIME, captureRate: this.captureRate }));
  }

  async start(): Promise<void> {
    if (this.method === 'mediarecorder-pcm') {
      await this.rec.startRecording(RAW_AUDIO);
      // The plugin owns the stream; Chromium captures at the audio device's rate, which a context
      // reports. (The server checks the real rate of the upload again with ffprobe.)
      const probe = new AudioContext();
      this.captureRate = probe.sampleRate;
      void probe.close();
      return;
    }
    const stream = await navigator.mediaDevices.getUserMedia({ audio: RAW_AUDIO });
    // The context runs at the device rate: asking for another rate makes Chromium resample badly.
    const ctx = new AudioContext();
    await ctx.audioWorklet.addModule(workletUrl);
    const node = new AudioWorkletNode(ctx, 'pcm-recorder');
    const chunks: Float32Array[] = [];
    node.port.onmessage = (e: MessageEvent<Float32Array>) => chunks.push(e.data);
    ctx.createMediaStreamSource(stream).connect(node);
    this.captureRate = ctx.sampleRate;
    this.worklet = { ctx, node, stream, chunks, mic: this.rec.renderMicStream(stream) };
  }

  /** Stops and resolves with the take. */
  stop(): Promise<Take> {
    return new Promise((resolve) => {
      if (this.method === 'mediarecorder-pcm') {
        this.ended = resolve;
        this.rec.stopRecording();
        return;
      }
      const w = this.worklet!;
      w.node.disconnect();
      w.mic.onDestroy();
      for (const t of w.stream.getTracks()) t.stop();
      void w.ctx.close();
      const total = w.chunks.reduce((n, c) => n + c.length, 0);
      const samples = new Float32Array(total);
      let off = 0;
      for (const c of w.chunks) {
        samples.set(c, off);
        off += c.length;
      }
      this.worklet = null;
      resolve({ blob: new Blob([encodeWav16(samples, this.captureRate)], { type: 'audio/wav' }), mime: 'audio/wav', captureRate: this.captureRate });
    });
  }

  onProgress(fn: (ms: number) => void): () => void {
    return this.rec.on('record-progress', fn);
  }

  destroy(): void {
    this.ws.destroy();
  }
}
