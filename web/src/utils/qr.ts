// Draws a QR code on a canvas, crisp at the device's pixel ratio (the library is loaded on demand).
export async function drawQr(canvas: HTMLCanvasElement, text: string, cssWidth: number): Promise<void> {
  const QRCode = (await import('qrcode')).default;
  const ratio = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
  await QRCode.toCanvas(canvas, text, {
    errorCorrectionLevel: 'M',
    margin: 2,
    width: Math.round(cssWidth * ratio),
    color: { dark: '#000000', light: '#ffffff' },
  });
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssWidth}px`;
}
