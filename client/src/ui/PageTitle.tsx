import { useEffect } from 'react';

/**
 * The page's name: the tab title, and its one h1 for screen readers and the document outline
 * (axe: page-has-heading-one). Hidden on screen, where the header and the page's own headings
 * already say where one is, and the work pages need the room.
 */
export function PageTitle({ title }: { title: string }) {
  useEffect(() => {
    document.title = `${title} · MeViS Studio`;
  }, [title]);
  return <h1 className="sr-only">{title}</h1>;
}
