'use client';

import { usePathname, useRouter } from 'next/navigation';

export interface SwitcherOption {
  readonly value: string;
  readonly label: string;
  readonly href: string;
}

/** A labelled select that navigates on change (works with the keyboard like any select). */
export function Switcher({ id, label, value, options, placeholder }: { readonly id: string; readonly label: string; readonly value?: string; readonly options: readonly SwitcherOption[]; readonly placeholder?: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const current = value ?? options.find((o) => pathname === o.href || pathname.startsWith(`${o.href}/`))?.value ?? '';
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={current}
        onChange={(event) => {
          const option = options.find((o) => o.value === event.target.value);
          if (option) router.push(option.href);
        }}
      >
        {placeholder ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
