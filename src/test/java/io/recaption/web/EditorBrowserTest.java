package io.recaption.web;

import static io.recaption.web.ApiClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.worker.testengine.TestJobEngine;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The caption editor in a real browser (headless Chromium), against the web profile, the real broker and s3proxy
 * and a worker with the test engine: drop the bundled scene on the page, invert, swap a word, move a slider with
 * the keyboard, keep the rest around a word, render, see an edited image that differs from the reconstruction
 * (compared pixel by pixel as the page shows them), restore it from the history. Refusals (through the file
 * picker) appear as messages. Leaves a screenshot in target/screenshots/editor.png.
 */
@QuarkusTest
@TestProfile(WebTestProfile.class)
@Tag("browser")
class EditorBrowserTest {

    static final Path SCENE = Path.of("src/main/resources/META-INF/resources/assets/samples/blue-triangle.png");
    static final String CAPTION = "a blue triangle below a small yellow circle on a green background";
    static final String EDITED = "a red triangle below a small yellow circle on a green background";
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static ChromeDriver browser;

    @Inject
    TestJobEngine engine;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void startBrowser() {
        browser = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void invertEditCompareAndRestoreFromHistory() throws Exception {
        engine.setStepDelay(Duration.ofMillis(20));
        browser.get(base.toString());
        assertEquals("recaption — caption editor", browser.getTitle());
        assertEveryControlIsLabelled();

        // a refusal of the browser's own, then one of the API, each as a message
        upload(Path.of("pom.xml"));
        waitForMessage("is not an image file");
        Path fake = Files.createDirectories(Path.of("target/browser-inputs")).resolve("not-really.png");
        Files.writeString(fake, "these are not the pixels you are looking for");
        upload(fake);
        waitForMessage("NOT_AN_IMAGE");

        // the scene arrives by drag and drop (the refusals above came through the file picker)
        dropSample("blue-triangle.png");
        until(d -> d.findElement(By.id("upload-status")).getText().equals("Uploaded blue-triangle.png."));
        click("invert");
        waitForMessage("Type the photo’s caption first");
        browser.findElement(By.id("caption")).sendKeys(CAPTION);
        // each method's cost beside the choice, in UNet passes at the steps entered: 20 steps here
        browser.findElement(By.cssSelector("details summary")).click();
        WebElement method = browser.findElement(By.id("method"));
        assertEquals("null-text", method.getAttribute("value"), "the workers' default method is chosen");
        browser.findElement(By.id("steps")).sendKeys("20");
        browser.findElement(By.id("inner-steps")).sendKeys("10");
        // null-text: 20 × (5 + 3 × 10) = 700; the cheapest, negative prompt: 20 × 3 = 60
        methodCostReads("≈ 700 UNet passes (11.7× the cheapest)");
        new Select(method).selectByValue("negative-prompt");
        methodCostReads("≈ 60 UNet passes");
        new Select(method).selectByValue("direct");
        methodCostReads("≈ 100 UNet passes (1.7× the cheapest)");
        click("invert");
        until(d -> imageLoaded("reconstruction"));
        until(d -> d.findElement(By.id("invert-label")).getText().contains("done · 100 %"));
        assertTrue(browser.findElement(By.id("psnr")).getText().matches("\\d+\\.\\d\\d"), "PSNR shown");
        JsonNode inversion = json(new ApiClient(base.toURI()).get(historyPath().replace("/edits", "")), 200);
        assertEquals("direct", inversion.path("result").path("method").asText(), "the chosen method was sent: " + inversion);

        WebElement edited = browser.findElement(By.id("edited-caption"));
        assertEquals(CAPTION, edited.getAttribute("value"), "the editor starts from the photo's caption");
        edited.sendKeys(Keys.chord(Keys.CONTROL, "a"), EDITED);
        WebElement red = until(d -> d.findElement(By.cssSelector("input[type=range][data-word=red]")));
        red.sendKeys(Keys.ARROW_RIGHT.toString().repeat(10)); // 1.0× → 2.0× in steps of 0.1, from the keyboard
        assertEquals("2.0×", browser.findElement(By.cssSelector("output[for='" + red.getAttribute("id") + "']")).getText());
        browser.findElement(By.cssSelector("input[data-blend=keep][data-word=triangle]")).sendKeys(Keys.SPACE);
        browser.findElement(By.cssSelector("input[data-blend=except][data-word=circle]")).sendKeys(Keys.SPACE);
        click("render");
        until(d -> d.findElement(By.id("edit-figure")).isDisplayed() && imageLoaded("edit-image"));

        double difference = meanDifference("reconstruction", "edit-image");
        System.out.printf("edited image vs reconstruction as displayed: mean |Δ| %.1f of 255%n", difference);
        assertTrue(difference > 5, "the edited image differs from the reconstruction: " + difference);
        assertEquals(1, engine.edits(EDITED), "the worker rendered the edit once");

        until(d -> d.findElements(By.cssSelector("#history-list li")).size() == 1
                && d.findElement(By.cssSelector("#history-list li")).getText().contains("done"));
        JsonNode history = json(new ApiClient(base.toURI()).get(historyPath()), 200).path("edits").get(0);
        assertEquals(2.0, history.path("emphasis").path("red").asDouble(), 1e-9, history.toString());
        assertEquals("triangle", history.path("localBlend").get(0).asText(), history.toString());
        assertEquals("circle", history.path("localBlendExcept").get(0).asText(), history.toString());
        assertEquals(1, history.path("localBlendExcept").size(), history.toString());
        screenshot();

        // change everything, then restore the edit from the history
        edited.sendKeys(Keys.chord(Keys.CONTROL, "a"), "a green circle");
        browser.findElement(By.cssSelector("#history-list li button")).click();
        assertEquals(EDITED, edited.getAttribute("value"));
        assertEquals("2", browser.findElement(By.cssSelector("input[type=range][data-word=red]")).getAttribute("value"));
        assertTrue(browser.findElement(By.cssSelector("input[data-blend=keep][data-word=triangle]")).isSelected());
        assertTrue(browser.findElement(By.cssSelector("input[data-blend=except][data-word=circle]")).isSelected());
        assertFalse(browser.findElement(By.cssSelector("input[data-blend=except][data-word=triangle]")).isSelected());
        waitForMessage("Restored the settings");
    }

    private void methodCostReads(String expected) {
        try {
            until(d -> d.findElement(By.id("method-cost")).getText().equals(expected));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the cost beside the method reads \"" + browser.findElement(By.id("method-cost"))
                    .getText() + "\", expected \"" + expected + "\"", e);
        }
    }

    private String historyPath() {
        String hash = (String) ((JavascriptExecutor) browser).executeScript("return location.hash");
        return "/api/inversions/" + hash.substring("#inversion=".length()) + "/edits";
    }

    private void upload(Path file) {
        browser.findElement(By.id("photo-file")).sendKeys(file.toAbsolutePath().toString());
    }

    /**
     * Drops a file on the drop zone as a browser does: a DragEvent whose DataTransfer holds a File (with the bundled
     * scene's bytes, fetched from the page's own assets), so the page's drop handler uploads it.
     */
    private void dropSample(String name) {
        Object dropped = ((JavascriptExecutor) browser).executeAsyncScript("""
                const [name, done] = arguments;
                fetch('assets/samples/' + name).then(r => r.blob()).then(blob => {
                  const transfer = new DataTransfer();
                  transfer.items.add(new File([blob], name, { type: 'image/png' }));
                  const zone = document.getElementById('drop-zone');
                  for (const type of ['dragover', 'drop']) {
                    zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
                  }
                  done(true);
                }, () => done(false));""", name);
        assertEquals(Boolean.TRUE, dropped, "the sample could be fetched and dropped");
    }

    private void click(String id) {
        browser.findElement(By.id(id)).click();
    }

    private void waitForMessage(String text) {
        until(d -> {
            WebElement message = d.findElement(By.id("message"));
            return message.isDisplayed() && message.getText().contains(text);
        });
    }

    private boolean imageLoaded(String id) {
        return Boolean.TRUE.equals(((JavascriptExecutor) browser).executeScript(
                "const i = document.getElementById(arguments[0]); return i.complete && i.naturalWidth > 0 && !!i.src;", id));
    }

    /** Mean absolute channel difference of two displayed images, read back through a canvas (same origin). */
    private double meanDifference(String a, String b) {
        Object value = ((JavascriptExecutor) browser).executeScript("""
                const pixels = (id) => {
                  const img = document.getElementById(id);
                  const c = document.createElement('canvas');
                  c.width = img.naturalWidth; c.height = img.naturalHeight;
                  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                  return g.getImageData(0, 0, c.width, c.height).data;
                };
                const p = pixels(arguments[0]), q = pixels(arguments[1]);
                if (p.length !== q.length) return -1;
                let sum = 0, n = 0;
                for (let i = 0; i < p.length; i += 4) for (let k = 0; k < 3; k++) { sum += Math.abs(p[i + k] - q[i + k]); n++; }
                return sum / n;""", a, b);
        return ((Number) value).doubleValue();
    }

    /** Keyboard and screen-reader use: every input, select and button has a name (label, aria-label or text). */
    private void assertEveryControlIsLabelled() {
        @SuppressWarnings("unchecked")
        List<String> unnamed = (List<String>) ((JavascriptExecutor) browser).executeScript("""
                return [...document.querySelectorAll('input, select, button')]
                  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
                  .map(e => e.outerHTML);""");
        assertEquals(List.of(), unnamed, "controls without a label");
    }

    /** The whole page: the window grows to the document's height first (a screenshot shows the viewport). */
    private void screenshot() throws Exception {
        Number height = (Number) ((JavascriptExecutor) browser).executeScript(
                "window.scrollTo(0, 0); return document.documentElement.scrollHeight;");
        browser.manage().window().setSize(new Dimension(1280, height.intValue() + 140));
        Path target = Files.createDirectories(Path.of("target/screenshots")).resolve("editor.png");
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("screenshot: " + target.toAbsolutePath());
    }

    private <T> T until(java.util.function.Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, TIMEOUT, Duration.ofMillis(100)).until(condition::apply);
    }
}
