import { useStores, useTr } from '../app/StoresContext.tsx';
import { disputeStoresFor } from './disputeStores.ts';
import type { DisputeStores } from './disputeStores.ts';
import { disputeText } from './disputeMessages.ts';
import type { DisputeText } from './disputeMessages.ts';

/** The dispute stores of this desk connection. */
export function useDisputeStores(): DisputeStores {
  return disputeStoresFor(useStores().desk);
}

/** The dispute desk's strings (`dispute.*` in the one catalog) in the desk's current language. */
export function useDt(): DisputeText {
  return disputeText(useTr());
}
