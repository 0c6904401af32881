package io.recaption.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Takes README's screenshot of the editor (docs/editor.png) on a running demo with the bundled model:
 * {@code java -jar target/quarkus-app/quarkus-run.jar demo --keep-running}, then
 * {@code java -cp <test classpath> io.recaption.web.EditorScreenshot <editor URL> docs/editor.png [steps] [inner]}.
 * It uploads the bundled scene, inverts it (by default 20 steps and 5 null-text iterations, as the demo), asks for
 * the colour swap with LocalBlend and a stronger colour word, waits for the image and captures the whole page. Not
 * a test: the browser test does the same on the test engine.
 */
public final class EditorScreenshot {

    private EditorScreenshot() {}

    public static void main(String[] args) throws Exception {
        String editor = args[0];
        Path out = Path.of(args[1]);
        String steps = args.length > 2 ? args[2] : "20";
        String innerSteps = args.length > 3 ? args[3] : "5";
        ChromeDriver browser = Chromium.start();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofMinutes(20), Duration.ofMillis(250));
            browser.get(editor);
            browser.findElement(By.id("photo-file")).sendKeys(EditorBrowserTest.SCENE.toAbsolutePath().toString());
            wait.until(d -> d.findElement(By.id("upload-status")).getText().startsWith("Uploaded"));
            browser.findElement(By.id("caption")).sendKeys(EditorBrowserTest.CAPTION);
            browser.findElement(By.cssSelector("#caption-section summary")).click();
            browser.findElement(By.id("steps")).sendKeys(steps);
            browser.findElement(By.id("inner-steps")).sendKeys(innerSteps);
            browser.findElement(By.id("invert")).click();
            wait.until(d -> d.findElement(By.id("editor-section")).isDisplayed());
            WebElement edited = browser.findElement(By.id("edited-caption"));
            edited.sendKeys(Keys.chord(Keys.CONTROL, "a"), EditorBrowserTest.EDITED);
            wait.until(d -> !d.findElements(By.cssSelector("input[type=range][data-word=red]")).isEmpty());
            browser.findElement(By.cssSelector("input[type=range][data-word=red]")).sendKeys(Keys.ARROW_RIGHT.toString().repeat(5));
            browser.findElement(By.cssSelector("input[type=checkbox][data-word=triangle]")).sendKeys(Keys.SPACE);
            browser.findElement(By.id("render")).click();
            wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                    "const i = document.getElementById('edit-image'); return !!i.src && i.complete && i.naturalWidth > 0;")));
            wait.until(d -> d.findElement(By.cssSelector("#history-list li")).getText().contains("done"));
            Number height = (Number) browser.executeScript("window.scrollTo(0, 0); return document.documentElement.scrollHeight;");
            browser.manage().window().setSize(new Dimension(1280, height.intValue() + 140));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), out, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("screenshot: " + out.toAbsolutePath());
        } finally {
            browser.quit();
        }
    }
}
