import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  MultiFormatReader,
  RGBLuminanceSource,
} from '@zxing/library';

/**
 * Scans the Code 128 barcode in one box (image pixels) of a decoded PNG — a screenshot of what
 * Chromium rendered — with ZXing's JavaScript port, the decoder phone and warehouse scanners are built on: the printed symbol
 * is checked as a scanner reads it, not by re-reading the module pattern we drew.
 */
export function scanCode128In(
  image: { width: number; height: number; data: Uint8Array },
  box: { x: number; y: number; width: number; height: number },
): string {
  const left = Math.max(0, Math.floor(box.x));
  const top = Math.max(0, Math.floor(box.y));
  const width = Math.min(image.width, Math.ceil(box.x + box.width)) - left;
  const height = Math.min(image.height, Math.ceil(box.y + box.height)) - top;
  const luminance = new Uint8ClampedArray(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const at = ((top + y) * image.width + left + x) * 4;
      const [r, g, b, a] = [0, 1, 2, 3].map((k) => image.data[at + k] ?? 255) as [
        number,
        number,
        number,
        number,
      ];
      // Transparent pixels are paper: blend over white.
      const grey = (r * 299 + g * 587 + b * 114) / 1000;
      luminance[y * width + x] = Math.round((grey * a + 255 * (255 - a)) / 255);
    }
  const reader = new MultiFormatReader();
  const hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128]],
    [DecodeHintType.TRY_HARDER, true],
  ]);
  reader.setHints(hints);
  const source = new RGBLuminanceSource(luminance, width, height);
  return reader.decode(new BinaryBitmap(new HybridBinarizer(source))).getText();
}
