import type { IScannerControls } from '@zxing/browser';

export type CameraProblem = 'insecure' | 'unavailable' | 'denied';

/**
 * The counter's camera: a QR reader (ZXing, loaded on demand) on the back camera, calling `onCode`
 * with each decoded text. getUserMedia needs a secure context (HTTPS, localhost).
 */
export async function startCamera(video: HTMLVideoElement, onCode: (text: string) => void): Promise<IScannerControls> {
  if (!window.isSecureContext) throw cameraError('insecure');
  if (!navigator.mediaDevices?.getUserMedia) throw cameraError('unavailable');
  const { BrowserQRCodeReader } = await import('@zxing/browser');
  // A busy or slow device may take a while before the first frame plays.
  const reader = new BrowserQRCodeReader(undefined, { delayBetweenScanAttempts: 120, delayBetweenScanSuccess: 600, tryPlayVideoTimeout: 20_000 });
  try {
    return await reader.decodeFromConstraints({ video: { facingMode: 'environment' }, audio: false }, video, (result) => {
      if (result) onCode(result.getText());
    });
  } catch (err) {
    const name = (err as Error)?.name;
    throw cameraError(name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unavailable');
  }
}

function cameraError(problem: CameraProblem): Error & { problem: CameraProblem } {
  return Object.assign(new Error(problem), { problem });
}
