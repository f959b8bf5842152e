// Component tests share two cores with builds and other engineers' runs: give findBy*/waitFor more than
// testing-library's default second before a slow render counts as a failure (a shop render took over 5 s at a load average of 20).
import { configure } from '@testing-library/react'

configure({ asyncUtilTimeout: 15000 })
