'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export interface NavLink {
  readonly href: string;
  readonly label: string;
  /** Whether sub-pages count as this link (e.g. /devices/123 for /devices). */
  readonly prefix?: boolean;
}

export function NavLinks({ links, label }: { readonly links: readonly NavLink[]; readonly label: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label={label}>
      <ul>
        {links.map((link) => {
          const current = pathname === link.href || (link.prefix === true && pathname.startsWith(`${link.href}/`));
          return (
            <li key={link.href}>
              <Link href={link.href} aria-current={current ? 'page' : undefined}>
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
