import { PropsWithChildren, useEffect } from 'react'
import { cardApi } from './services/api'
import { initCloud } from './services/cloud'
import './app.css'

initCloud()

function App({ children }: PropsWithChildren) {
  // A card that reached the card bag without the server's record (a lost push) is found when the Mini Program
  // opens; nothing to show or wait for here (issue 25 §5).
  useEffect(() => {
    cardApi.readBag().catch(() => undefined)
  }, [])
  return children
}

export default App
