"""The look: a calm official blue, system CJK fonts (nothing fetched from a font CDN), large text.

The theme, ``style.css`` and ``app.js`` are passed to ``Blocks.launch`` (Gradio 6 takes them there).
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr

HERE = Path(__file__).resolve().parent
CSS_PATH = HERE / "style.css"
JS_PATH = HERE / "app.js"

SANS = (
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "system-ui",
    "-apple-system",
    "Segoe UI",
    "Roboto",
    "sans-serif",
)
MONO = ("Noto Sans Mono CJK SC", "ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace")

# 政务蓝: a muted navy-leaning blue, darkest shades for text on light backgrounds.
OFFICIAL_BLUE = gr.themes.Color(
    c50="#eef4fb",
    c100="#dae6f4",
    c200="#b7cde9",
    c300="#88abd8",
    c400="#5a88c2",
    c500="#356aa8",
    c600="#24548e",
    c700="#1d4476",
    c800="#1a3961",
    c900="#182f4f",
    c950="#0f1e33",
    name="official_blue",
)


def build_theme() -> gr.themes.Base:
    theme = gr.themes.Default(
        primary_hue=OFFICIAL_BLUE,
        secondary_hue=OFFICIAL_BLUE,
        neutral_hue=gr.themes.colors.slate,
        text_size=gr.themes.sizes.text_lg,
        radius_size=gr.themes.sizes.radius_md,
        font=list(SANS),
        font_mono=list(MONO),
    )
    return theme.set(
        body_background_fill="#f3f6fa",
        body_text_color="#1f2a37",
        block_background_fill="white",
        button_primary_background_fill="*primary_600",
        button_primary_background_fill_hover="*primary_700",
        button_primary_text_color="white",
        button_secondary_background_fill="white",
        button_secondary_background_fill_hover="*primary_50",
        button_secondary_text_color="*primary_700",
        button_secondary_border_color="*primary_200",
        button_border_width="1px",
        input_text_size="16px",
        body_text_size="16px",
        button_large_text_size="16px",
        button_medium_text_size="16px",
        button_small_text_size="15px",
        block_label_text_size="15px",
        block_title_text_size="15px",
        input_border_color_focus="*primary_400",
        color_accent="*primary_600",
        color_accent_soft="*primary_50",
        loader_color="*primary_500",
        slider_color="*primary_500",
    )


def app_js() -> str:
    """The page script (one function, run once on load): click forwarding helpers, back button for dialogs."""
    return JS_PATH.read_text(encoding="utf-8")
