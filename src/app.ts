import { PropsWithChildren } from 'react'
import { initCloud } from './services/cloud'
import './app.css'

initCloud()

function App({ children }: PropsWithChildren) {
  return children
}

export default App
