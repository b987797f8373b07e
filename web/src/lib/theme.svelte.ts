class Theme {
  current = $state<'light' | 'dark'>(document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');

  toggle() {
    this.set(this.current === 'dark' ? 'light' : 'dark');
  }

  set(value: 'light' | 'dark') {
    this.current = value;
    document.documentElement.dataset.theme = value;
    localStorage.setItem('albumen.theme', value);
  }
}

export const theme = new Theme();
