import { NativeSelect, type NativeSelectProps } from '@mantine/core';

type Option<T extends string> = T | { readonly value: T; readonly label: string };

/**
 * A native <select> (keyboard-friendly, small, works with every assistive technology) typed by its
 * options. With `placeholder`, an empty first option stands for "nothing chosen yet".
 */
export function ChoiceSelect<T extends string>({
  data,
  value,
  onChange,
  placeholder,
  ...props
}: Omit<NativeSelectProps, 'data' | 'value' | 'onChange'> & {
  data: readonly Option<T>[];
  value: T | null;
  onChange: (value: T) => void;
  placeholder?: string;
}) {
  const options = data.map((option) =>
    typeof option === 'string' ? { value: option, label: option } : option,
  );
  return (
    <NativeSelect
      {...props}
      value={value ?? ''}
      onChange={(event) => {
        const chosen = options.find((option) => option.value === event.currentTarget.value);
        if (chosen) onChange(chosen.value);
      }}
      data={[
        ...(placeholder !== undefined ? [{ value: '', label: placeholder, disabled: true }] : []),
        ...options,
      ]}
    />
  );
}
