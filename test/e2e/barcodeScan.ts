import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  MultiFormatReader,
  RGBLuminanceSource,
} from '@zxing/library';
import { PNG } from 'pngjs';

/**
 * Scans a Code 128 barcode in a PNG (a screenshot of what Chromium rendered) with ZXing's
 * JavaScript port, the decoder phone and warehouse scanners are built on: the printed symbol
 * is checked as a scanner reads it, not by re-reading the module pattern we drew.
 */
export function scanCode128(png: Buffer): string {
  const image = PNG.sync.read(png);
  const luminance = new Uint8ClampedArray(image.width * image.height);
  for (let i = 0; i < luminance.length; i++) {
    const [r, g, b, a] = [0, 1, 2, 3].map((k) => image.data[i * 4 + k] ?? 255) as [
      number,
      number,
      number,
      number,
    ];
    // Transparent pixels are paper: blend over white.
    const grey = (r * 299 + g * 587 + b * 114) / 1000;
    luminance[i] = Math.round((grey * a + 255 * (255 - a)) / 255);
  }
  const reader = new MultiFormatReader();
  const hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128]],
    [DecodeHintType.TRY_HARDER, true],
  ]);
  reader.setHints(hints);
  const source = new RGBLuminanceSource(luminance, image.width, image.height);
  return reader.decode(new BinaryBitmap(new HybridBinarizer(source))).getText();
}
