// The merchant's menu for paying in the Mini Program (the checkout page): what a customer can order
// and its price in fen. A merchant edits this list; the server checks only the total against the card.
export interface MenuItem {
  id: string
  name: string
  /** fen */
  price: number
}

export const MENU: MenuItem[] = [
  { id: 'latte', name: '拿铁', price: 2800 },
  { id: 'americano', name: '美式咖啡', price: 2400 },
  { id: 'croissant', name: '可颂', price: 1200 },
  { id: 'cheesecake', name: '芝士蛋糕', price: 3200 },
]
