// DOM stand-ins for @tarojs/components in component tests: each renders the plain element a person
// would see, with Taro's onClick/onInput props mapped to the DOM's.
import { createElement, type ReactNode } from 'react'

type Props = { children?: ReactNode; className?: string; id?: string; onClick?: () => void; [k: string]: unknown }

function tag(name: string, element: string) {
  const C = ({ children, className, id, onClick, ...rest }: Props) =>
    createElement(element, { className, id, onClick, 'data-taro': name, ...pickData(rest) }, children)
  C.displayName = name
  return C
}

function pickData(rest: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(rest).filter(([k]) => k.startsWith('data-') || k === 'disabled' || k === 'src' || k === 'value'))
}

export const View = tag('View', 'div')
export const Text = tag('Text', 'span')
export const Button = tag('Button', 'button')
export const Image = tag('Image', 'img')
export const ScrollView = tag('ScrollView', 'div')
export const Canvas = tag('Canvas', 'canvas')
/**
 * WeChat's input and textarea keep at most `maxlength` characters, 140 when none is given; -1 keeps all
 * (input / textarea 属性 maxlength, 默认值 140, "值为-1的时候不限制最大长度"). The stand-ins cut the same way.
 */
const cut = (value: string, maxlength = 140) => (maxlength > -1 ? value.slice(0, maxlength) : value)
export const Input = ({
  value,
  onInput,
  placeholder,
  maxlength,
  className,
  id,
}: {
  value?: string
  placeholder?: string
  maxlength?: number
  className?: string
  id?: string
  onInput?: (e: { detail: { value: string } }) => void
}) =>
  createElement('input', {
    value,
    placeholder,
    className,
    id,
    onChange: (e: { target: { value: string } }) => onInput?.({ detail: { value: cut(e.target.value, maxlength) } }),
  })
export const Textarea = ({
  value,
  onInput,
  placeholder,
  maxlength,
}: {
  value?: string
  placeholder?: string
  maxlength?: number
  onInput?: (e: { detail: { value: string } }) => void
}) =>
  createElement('textarea', {
    value,
    placeholder,
    onChange: (e: { target: { value: string } }) => onInput?.({ detail: { value: cut(e.target.value, maxlength) } }),
  })

/**
 * The date picker (mode="date") as the date input a browser offers: it can only give a real date,
 * YYYY-MM-DD, within start and end, as WeChat's picker does; its change reaches onChange as detail.value.
 */
export const Picker = ({
  children,
  mode,
  value,
  start,
  end,
  onChange,
}: {
  children?: ReactNode
  mode?: string
  value?: string
  start?: string
  end?: string
  onChange?: (e: { detail: { value: string } }) => void
}) =>
  createElement(
    'label',
    { 'data-taro': 'Picker', 'data-mode': mode },
    children,
    createElement('input', {
      type: mode === 'date' ? 'date' : 'text',
      value: value ?? '',
      min: start,
      max: end,
      onChange: (e: { target: { value: string } }) => onChange?.({ detail: { value: e.target.value } }),
    }),
  )
