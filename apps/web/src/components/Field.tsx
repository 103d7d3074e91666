/**
 * A labelled form control. The label points at the control with htmlFor/id instead of wrapping
 * it: a wrapping label would fold the control's own text (a select's options, a textarea's
 * value) into its accessible name ("Type A AAAA CNAME …").
 */
import { cloneElement, useId, type ReactElement, type ReactNode } from 'react';

export function Field({
  label,
  className,
  children,
}: {
  label: ReactNode;
  className?: string;
  children: ReactElement<{ id?: string }>;
}): ReactNode {
  const id = useId();
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id })}
    </div>
  );
}
