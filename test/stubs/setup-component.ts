// Component tests share two cores with builds and other engineers' runs: give findBy*/waitFor more than
// testing-library's default second before a slow render counts as a failure.
import { configure } from '@testing-library/react'

configure({ asyncUtilTimeout: 5000 })
