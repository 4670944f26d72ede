// Vitest setup: jest-dom matchers (toBeInTheDocument, toHaveTextContent, ...) for every test.
import "@testing-library/jest-dom/vitest";
