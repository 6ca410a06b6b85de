import { useEffect, useMemo } from 'react';
import { useTr } from '../../app/StoresContext.tsx';

/**
 * A CSV template in the user's language: the header the batch reader recognises, and two
 * example rows naming carriers the way people do (by name). UTF-8 with a BOM, which Excel on
 * any Windows opens without garbling the Chinese header.
 */
export function CsvTemplateLink() {
  const tr = useTr();
  const href = useMemo(() => {
    const lines = [
      tr.t('batch.templateHeader'),
      `T-0001,${tr.t('carrier.sf')},SF1234567890123`,
      `T-0002,${tr.t('carrier.zto')},731234567890`,
    ];
    const blob = new Blob([`\uFEFF${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
    return URL.createObjectURL(blob);
  }, [tr]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  return (
    <a href={href} download={tr.t('batch.templateFile')} data-testid="batch-template">
      {tr.t('batch.template')}
    </a>
  );
}
